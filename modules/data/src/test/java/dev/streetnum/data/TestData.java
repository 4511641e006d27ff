package dev.streetnum.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Shared test fixtures (published in the data module's test-jar): tiny generated data sets, and the
 * real SVHN sample when the checkout has {@code ../shared} beside it.
 */
public final class TestData {

    private TestData() {
    }

    /** Writes {@code count} generated images with {@code labels.csv} into {@code dir} (about 100 in a second or two). */
    public static Path generatedSet(Path dir, int count, long seed) {
        new SyntheticDatasetWriter(new StreetNumberGenerator(LengthMix.SVHN), 2).write(dir, count, seed, false);
        return dir;
    }

    /** {@code count} generated whole photos in memory (SVHN's length mix), the same for the same seed. */
    public static List<Mat> generatedPhotos(long seed, int count) {
        StreetNumberGenerator generator = new StreetNumberGenerator(LengthMix.SVHN);
        List<Mat> photos = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            photos.add(generator.generate(seed, i).image());
        }
        return photos;
    }

    /**
     * Six random head distributions in network order (a teacher's, or a network's), each a softmax of
     * logits with standard deviation {@code spread}.
     */
    public static double[][] randomHeads(java.util.Random random, double spread) {
        double[][] heads = new double[SequenceLabels.HEADS][];
        for (int h = 0; h < heads.length; h++) {
            heads[h] = new double[h == 0 ? SequenceLabels.LENGTH_CLASSES : SequenceLabels.DIGIT_CLASSES];
            double sum = 0;
            for (int c = 0; c < heads[h].length; c++) {
                heads[h][c] = Math.exp(spread * random.nextGaussian());
                sum += heads[h][c];
            }
            for (int c = 0; c < heads[h].length; c++) {
                heads[h][c] /= sum;
            }
        }
        return heads;
    }

    /**
     * Several examples' six head distributions as one batch of network outputs in head order, rows in the
     * order given: what a network's {@code output} would hand the decoder.
     */
    public static org.nd4j.linalg.api.ndarray.INDArray[] headsBatch(double[][]... examples) {
        org.nd4j.linalg.api.ndarray.INDArray[] batch = new org.nd4j.linalg.api.ndarray.INDArray[SequenceLabels.HEADS];
        for (int h = 0; h < batch.length; h++) {
            double[][] rows = new double[examples.length][];
            for (int e = 0; e < examples.length; e++) {
                rows[e] = examples[e][h];
            }
            batch[h] = org.nd4j.linalg.factory.Nd4j.create(rows);
        }
        return batch;
    }

    /** {@code ../shared/svhn-real/...} found from the working directory upwards, if present. */
    public static Optional<Path> shared(String relative) {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared").resolve(relative);
            if (Files.exists(candidate)) {
                return Optional.of(candidate);
            }
            Path sibling = p.resolveSibling("shared").resolve(relative);
            if (p.getParent() != null && Files.exists(sibling)) {
                return Optional.of(sibling);
            }
        }
        return Optional.empty();
    }
}
