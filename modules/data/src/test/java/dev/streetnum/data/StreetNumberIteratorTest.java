package dev.streetnum.data;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.api.MultiDataSet;

class StreetNumberIteratorTest {

    @TempDir
    static Path dir;
    static AnnotatedDataset generated;
    private final CropExpander expander = new CropExpander(PreprocessConfig.DEFAULT);

    @BeforeAll
    static void generate() {
        generated = AnnotatedDataset.load(TestData.generatedSet(dir.resolve("gen"), 40, 11), false);
    }

    private static StreetNumberIterator.Options options(boolean augment, boolean shuffle, long seed, Path cache) {
        return new StreetNumberIterator.Options(8, augment, shuffle, seed, 2, cache);
    }

    @Test
    void labelsAndMasksFollowTheLayoutForOneFiveAndSevenDigits() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("lengths"));
        opencv_imgcodecs.imwrite(folder.resolve("x.png").toString(), new Mat(20, 80, CV_8UC3, new Scalar(50, 90, 130, 0)));
        String[] numbers = {"7", "12345", "9876543"};
        List<AnnotatedImage> images = new ArrayList<>();
        for (String n : numbers) {
            List<DigitBox> digits = new ArrayList<>();
            for (int i = 0; i < n.length(); i++) {
                digits.add(new DigitBox(n.charAt(i) - '0', new Box(i * 10, 2, 9, 15)));
            }
            images.add(new AnnotatedImage(folder.resolve("x.png"), digits));
        }
        AnnotatedDataset data = AnnotatedDataset.of(folder, images, "test");
        try (StreetNumberIterator it = new StreetNumberIterator(data, expander,
                new StreetNumberIterator.Options(3, false, false, 0, 1, null))) {
            MultiDataSet b = it.next();
            assertFalse(it.hasNext());
            assertArrayEquals(new long[] {3, 3, 54, 54}, b.getFeatures(0).shape());
            assertEquals(6, b.getLabels().length);
            assertArrayEquals(new long[] {3, 7}, b.getLabels(0).shape());
            for (int row = 0; row < 3; row++) {
                String n = numbers[row];
                int lengthClass = Math.min(n.length(), 6);
                for (int k = 0; k < 7; k++) {
                    assertEquals(k == lengthClass ? 1.0 : 0.0, b.getLabels(0).getDouble(row, k), "length " + n);
                }
                assertEquals(1.0, b.getLabelsMaskArray(0).getDouble(row, 0));
                for (int head = 1; head <= 5; head++) {
                    boolean on = head - 1 < Math.min(n.length(), 5);
                    assertArrayEquals(new long[] {3, 1}, b.getLabelsMaskArray(head).shape());
                    assertArrayEquals(new long[] {3, 10}, b.getLabels(head).shape());
                    assertEquals(on ? 1.0 : 0.0, b.getLabelsMaskArray(head).getDouble(row, 0), n + " head " + head);
                    for (int d = 0; d < 10; d++) {
                        double expected = on && d == n.charAt(head - 1) - '0' ? 1.0 : 0.0;
                        assertEquals(expected, b.getLabels(head).getDouble(row, d), n + " head " + head + " digit " + d);
                    }
                }
            }
        }
    }

    private static List<float[]> epoch(StreetNumberIterator it) {
        List<float[]> batches = new ArrayList<>();
        while (it.hasNext()) {
            MultiDataSet b = it.next();
            batches.add(b.getFeatures(0).dup().data().asFloat());
            batches.add(b.getLabels(0).dup().data().asFloat());
        }
        return batches;
    }

    private static void assertSame(List<float[]> a, List<float[]> b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i), "batch part " + i);
        }
    }

    @Test
    void aShuffledPassLeavesOutALoneLastImageAndAnOrderedPassKeepsIt() {
        // 17 images in batches of 8: 8 + 8 + 1. DL4J cannot mask a one-row minibatch.
        AnnotatedDataset seventeen = AnnotatedDataset.of(generated.root(), generated.images().subList(0, 17), "17");
        try (StreetNumberIterator training = new StreetNumberIterator(seventeen, expander, options(true, true, 5, null));
             StreetNumberIterator ordered = new StreetNumberIterator(seventeen, expander, options(false, false, 5, null))) {
            assertEquals(2, training.batchesPerEpoch());
            assertEquals(16, sizes(training).stream().mapToInt(Integer::intValue).sum());
            assertEquals(List.of(8, 8, 1), sizes(ordered));
        }
    }

    private static List<Integer> sizes(StreetNumberIterator it) {
        List<Integer> sizes = new ArrayList<>();
        while (it.hasNext()) {
            sizes.add((int) it.next().getFeatures(0).size(0));
        }
        return sizes;
    }

    @Test
    void sameSeedGivesSameBatchesAndEpochsDiffer() {
        try (StreetNumberIterator a = new StreetNumberIterator(generated, expander, options(true, true, 5, null));
             StreetNumberIterator b = new StreetNumberIterator(generated, expander, options(true, true, 5, null))) {
            assertEquals(5, a.batchesPerEpoch());
            List<float[]> a0 = epoch(a);
            assertSame(a0, epoch(b));
            a.reset();
            assertEquals(1, a.epoch());
            List<float[]> a1 = epoch(a);
            assertFalse(Arrays.equals(a0.get(0), a1.get(0)), "epoch 1 reshuffles and re-crops");
            b.setEpoch(1); // resuming at epoch 1 reproduces it
            assertSame(a1, epoch(b));
            assertNotEquals(Arrays.toString(a.epochOrder(0)), Arrays.toString(a.epochOrder(1)));
            int[] sorted = a.epochOrder(3).clone();
            Arrays.sort(sorted);
            for (int i = 0; i < sorted.length; i++) {
                assertEquals(i, sorted[i]); // a permutation
            }
        }
    }

    /**
     * A second view, from the one decoded photo, is what an iterator of that jitter alone with the same seed
     * draws, and the first view is unchanged by it: consistency training's weak and strong views.
     */
    @Test
    void aSecondViewIsWhatItsJitterAloneDrawsAndLeavesTheFirstUnchanged() {
        Augmentation strong = new Augmentation(0.15, 0.10, 0.08, 10, 0.5, 0.25, 0.3, 0.5);
        try (StreetNumberIterator both = new StreetNumberIterator(generated, expander,
                new StreetNumberIterator.Options(8, true, true, 3, 2, null, Augmentation.NONE, strong));
             StreetNumberIterator weakAlone = new StreetNumberIterator(generated, expander,
                     new StreetNumberIterator.Options(8, true, true, 3, 2, null, Augmentation.NONE));
             StreetNumberIterator strongAlone = new StreetNumberIterator(generated, expander,
                     new StreetNumberIterator.Options(8, true, true, 3, 2, null, strong))) {
            for (int epoch : new int[] {0, 1}) {
                both.setEpoch(epoch);
                weakAlone.setEpoch(epoch);
                strongAlone.setEpoch(epoch);
                while (both.hasNext()) {
                    MultiDataSet drawn = both.next();
                    assertEquals(2, drawn.getFeatures().length);
                    assertEquals(weakAlone.next().getFeatures(0), drawn.getFeatures(0), "epoch " + epoch);
                    assertEquals(strongAlone.next().getFeatures(0), drawn.getFeatures(1), "epoch " + epoch);
                }
                assertFalse(weakAlone.hasNext());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new StreetNumberIterator.Options(8, false, true, 3, 2, null,
                Augmentation.NONE, strong), "without augmenting, the two views would be one crop");
    }

    @Test
    void cacheGivesIdenticalFeaturesAndIsReused() throws Exception {
        Path cacheFile = dir.resolve("crops.bin");
        List<float[]> decoded;
        try (StreetNumberIterator plain = new StreetNumberIterator(generated, expander, options(true, true, 9, null))) {
            decoded = epoch(plain);
        }
        try (StreetNumberIterator cached = new StreetNumberIterator(generated, expander, options(true, true, 9, cacheFile))) {
            assertSame(decoded, epoch(cached));
        }
        long built = Files.getLastModifiedTime(cacheFile).toMillis();
        long header = Files.size(cacheFile) - generated.size() * 64L * 64 * 3;
        assertTrue(header > 0 && header < 1024, "one header, then 64x64x3 bytes per image; header=" + header);
        try (StreetNumberIterator again = new StreetNumberIterator(generated, expander, options(true, true, 9, cacheFile))) {
            again.setEpoch(0); // restarting while batches are in flight must not break the cache for later reads
            assertSame(decoded, epoch(again));
        }
        assertEquals(built, Files.getLastModifiedTime(cacheFile).toMillis(), "a valid cache is not rebuilt");
        // Other preprocessing makes the cache stale: it is rebuilt, and features follow the new setting.
        CropExpander wider = new CropExpander(new PreprocessConfig(0.5, 64, 54));
        try (StreetNumberIterator other = new StreetNumberIterator(generated, wider, options(true, true, 9, cacheFile));
             StreetNumberIterator otherPlain = new StreetNumberIterator(generated, wider, options(true, true, 9, null))) {
            assertSame(epoch(otherPlain), epoch(other));
        }
    }

    @Test
    void badImagesSurfaceAsDataExceptions() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("bad"));
        Files.write(folder.resolve("broken.png"), new byte[] {1, 2, 3});
        AnnotatedDataset data = AnnotatedDataset.of(folder, List.of(new AnnotatedImage(folder.resolve("broken.png"),
                List.of(new DigitBox(1, new Box(0, 0, 3, 3))))), "test");
        try (StreetNumberIterator it = new StreetNumberIterator(data, expander, options(false, false, 0, null))) {
            DataException e = org.junit.jupiter.api.Assertions.assertThrows(DataException.class, it::next);
            assertTrue(e.getMessage().contains("broken.png"), e.getMessage());
        }
    }
}
