package dev.streetnum.data;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import me.tongfei.progressbar.ProgressBar;

/**
 * Writes generated examples (synthetic or recomposed) as a data set folder: PNGs plus
 * {@code labels.csv}, on several threads.
 */
public final class SyntheticDatasetWriter {

    private final ExampleSource generator;
    private final int threads;

    public SyntheticDatasetWriter(ExampleSource generator, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("the writer needs at least one thread, got " + threads);
        }
        this.generator = generator;
        this.threads = threads;
    }

    /**
     * Writes examples 0..count-1 of stream {@code seed} into {@code folder} and loads the result.
     *
     * @param showProgress a progress bar on stderr (commands), or none (tests)
     */
    public AnnotatedDataset write(Path folder, int count, long seed, boolean showProgress) {
        if (count < 1) {
            throw new IllegalArgumentException("a data set needs at least one image, got count=" + count);
        }
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new DataException("cannot create " + folder + ": " + e.getMessage(), e);
        }
        List<AnnotatedImage> images = new ArrayList<>(count);
        ExecutorService pool = OrderedPrefetch.daemonPool("generate", threads);
        ProgressBar progress = showProgress ? ProgressDisplay.start(folder.getFileName().toString(), count, " img") : null;
        try {
            OrderedPrefetch<AnnotatedImage> written = new OrderedPrefetch<>(pool, count, threads * 4,
                    index -> () -> writeOne(folder, seed, index));
            while (written.hasNext()) {
                images.add(written.next());
                if (progress != null) {
                    progress.step();
                }
            }
        } finally {
            pool.shutdownNow();
            if (progress != null) {
                progress.close();
            }
        }
        AnnotatedDataset.write(folder.resolve(AnnotatedDataset.LABELS_FILE), images);
        return AnnotatedDataset.load(folder, false);
    }

    private AnnotatedImage writeOne(Path folder, long seed, int index) {
        StreetNumberGenerator.Example example = generator.generate(seed, index);
        Path file = folder.resolve(index + ".png");
        if (!imwrite(file.toString(), example.image())) {
            throw new DataException("cannot write " + file);
        }
        return new AnnotatedImage(file.toAbsolutePath(), example.digits());
    }
}
