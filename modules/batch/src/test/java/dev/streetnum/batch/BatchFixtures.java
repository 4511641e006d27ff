package dev.streetnum.batch;

import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.TestData;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.TestBundles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.apache.spark.sql.SparkSession;

/** What the batch tests share: a session, a tiny bundle, a small generated set with two bad images. */
final class BatchFixtures {

    /** Generated images in the labelled set (plus the two bad ones). */
    static final int GOOD_IMAGES = 12;
    static final String NOT_AN_IMAGE = "not-an-image.png";
    static final String TRUNCATED = "truncated.png";
    /** Stored as the tiny bundle's 98% threshold, low enough that an untrained network's answers pass it sometimes. */
    static final double THRESHOLD = 0.001;

    private BatchFixtures() {
    }

    /** One local session for a test class: no UI, few shuffle partitions. */
    static SparkSession session(String master) {
        return SparkSession.builder()
                .config(BatchSessions.conf(master, 0))
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
    }

    /** An untrained TINY bundle with a 98% threshold, written to {@code dir/tiny.bundle}. */
    static Path bundle(Path dir) {
        ModelBundle tiny = TestBundles.tiny(1);
        Path file = dir.resolve("tiny" + ModelBundle.EXTENSION);
        tiny.withMetadata(tiny.metadata().withThresholds(tiny.metadata().thresholds()
                .with(dev.streetnum.model.TargetAccuracy.PAPER, THRESHOLD))).save(file);
        return file;
    }

    /**
     * {@code dir} with {@link #GOOD_IMAGES} generated images and their {@code labels.csv}, plus a file that is
     * no image and a truncated PNG, both listed in {@code labels.csv} with a box.
     */
    static Path labelledSet(Path dir) {
        TestData.generatedSet(dir, GOOD_IMAGES, 7);
        try {
            Files.writeString(dir.resolve(NOT_AN_IMAGE), "this is text, not a PNG", StandardCharsets.UTF_8);
            byte[] png = Files.readAllBytes(dir.resolve(firstImage(dir)));
            Files.write(dir.resolve(TRUNCATED), Arrays.copyOf(png, png.length / 2));
            Files.writeString(dir.resolve(AnnotatedDataset.LABELS_FILE),
                    NOT_AN_IMAGE + ",1,0,0,10,10\n" + TRUNCATED + ",2,1,1,20,20\n",
                    StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** The file name of the first image {@code labels.csv} lists. */
    static String firstImage(Path dir) {
        return AnnotatedDataset.load(dir, false).images().get(0).file().getFileName().toString();
    }
}
