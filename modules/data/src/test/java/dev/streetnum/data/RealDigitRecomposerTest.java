package dev.streetnum.data;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recomposition from synthetic source photos: flat grey (128) walls with solid digit rectangles whose
 * red-minus-green value encodes the label ({@link #code}), so every output pixel says whether it is a
 * digit and which one.
 */
class RealDigitRecomposerTest {

    private static final int GREY = 128;
    private static final int PHOTOS = 6;

    @TempDir
    static Path shared;
    private static Path split;
    private static RealDigitRecomposer recomposer;

    /** Red minus green of a digit of this label; the grey wall has 0. */
    private static int code(int label) {
        return 15 * (label + 1);
    }

    @BeforeAll
    static void sources() throws IOException {
        split = shared.resolve("split.csv");
        Files.writeString(split, "file,split\n" + Stream.iterate(1, i -> i + 1).limit(PHOTOS + 1)
                .map(i -> "train_" + i + ".png,train\n").reduce("", String::concat)
                + "train_3001.png,val\ntrain_3501.png,test\n");
        Path folder = shared.resolve("real");
        Files.createDirectories(folder);
        List<AnnotatedImage> images = new ArrayList<>();
        for (int p = 1; p <= PHOTOS; p++) {
            // Two touching digits per photo; photo 3's first box starts left of the photo (clipped).
            int firstLeft = p == 3 ? -3 : 8;
            images.add(photo(folder.resolve("train_" + p + ".png"), 60, 40, new DigitBox((2 * p) % 10, new Box(firstLeft, 8, 14, 22)),
                    new DigitBox((2 * p + 1) % 10, new Box(firstLeft + 14, 8, 14, 22))));
        }
        // A washed-out digit (a 2-level step, invisible) is not cut: no label without a visible digit.
        Path faint = folder.resolve("train_" + (PHOTOS + 1) + ".png");
        byte[] flat = new byte[60 * 40 * 3];
        java.util.Arrays.fill(flat, (byte) GREY);
        for (int y = 10; y < 28; y++) {
            for (int x = 10; x < 22; x++) {
                flat[(y * 60 + x) * 3 + 2] = (byte) (GREY + 2);
            }
        }
        Mat faintImage = new Mat(40, 60, CV_8UC3);
        faintImage.data().put(flat);
        assertTrue(imwrite(faint.toString(), faintImage));
        images.add(new AnnotatedImage(faint, List.of(new DigitBox(5, new Box(8, 8, 16, 22)))));
        AnnotatedDataset.write(folder.resolve(AnnotatedDataset.LABELS_FILE), images);
        // A val photo in the same folder that is not a decodable image: reading it would fail.
        Files.writeString(folder.resolve("train_3001.png"), "not an image: the recomposer must never read this");
        recomposer = new RealDigitRecomposer(folder, split);
    }

    private static AnnotatedImage photo(Path file, int w, int h, DigitBox... digits) {
        byte[] bgr = new byte[w * h * 3];
        java.util.Arrays.fill(bgr, (byte) GREY);
        for (DigitBox d : digits) {
            Box b = d.box();
            // The digit fills its box but for a 2 px rim of wall, as a real digit does.
            for (int y = Math.max(0, b.top() + 2); y < Math.min(h, b.bottom() - 2); y++) {
                for (int x = Math.max(0, b.left() + 2); x < Math.min(w, b.right() - 2); x++) {
                    bgr[(y * w + x) * 3] = 30;
                    bgr[(y * w + x) * 3 + 1] = 30;
                    bgr[(y * w + x) * 3 + 2] = (byte) (30 + code(d.label()));
                }
            }
        }
        Mat m = new Mat(h, w, CV_8UC3);
        m.data().put(bgr);
        assertTrue(imwrite(file.toString(), m));
        return new AnnotatedImage(file, List.of(digits));
    }

    private static byte[] pixels(StreetNumberGenerator.Example e) {
        byte[] b = new byte[e.image().cols() * e.image().rows() * 3];
        e.image().data().get(b);
        return b;
    }

    @Test
    void boxesLieOnTheirDigitsAndOnlyWallIsOutsideThem() {
        for (int i = 0; i < 40; i++) {
            StreetNumberGenerator.Example e = recomposer.generate(11, i);
            int w = e.image().cols();
            int h = e.image().rows();
            byte[] px = pixels(e);
            boolean[] inBox = new boolean[w * h];
            for (DigitBox d : e.digits()) {
                Box b = d.box();
                assertTrue(b.left() >= 0 && b.top() >= 0 && b.right() <= w && b.bottom() <= h,
                        "example " + i + ": box " + b + " inside the " + w + "x" + h + " image, with margin");
                int onDigit = 0;
                for (int y = b.top(); y < b.bottom(); y++) {
                    for (int x = b.left(); x < b.right(); x++) {
                        inBox[y * w + x] = true;
                        int p = (y * w + x) * 3;
                        onDigit += Math.abs((px[p + 2] & 0xff) - (px[p + 1] & 0xff) - code(d.label())) <= 7 ? 1 : 0;
                    }
                }
                // The digit (its box less a thin rim of wall) fills most of the box: the box is on it.
                assertTrue(onDigit >= 0.3 * b.width() * b.height(),
                        "example " + i + ": box " + b + " of label " + d.label() + " has " + onDigit + " pixels of that digit");
            }
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int p = (y * w + x) * 3;
                    int redness = (px[p + 2] & 0xff) - (px[p + 1] & 0xff);
                    if (!inBox[y * w + x]) {
                        assertTrue(Math.abs(redness) <= 5, "example " + i + ": pixel " + x + "," + y
                                + " outside every box is digit-coloured (red-green " + redness + ")");
                    }
                }
            }
            // Reading order: left to right.
            for (int d = 1; d < e.digits().size(); d++) {
                assertTrue(e.digits().get(d).box().left() > e.digits().get(d - 1).box().left(), "example " + i);
            }
        }
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherBytes(@TempDir Path dir) throws IOException {
        SyntheticDatasetWriter writer = new SyntheticDatasetWriter(recomposer, 2);
        writer.write(dir.resolve("a"), 12, 5, false);
        writer.write(dir.resolve("b"), 12, 5, false);
        writer.write(dir.resolve("c"), 12, 6, false);
        List<String> files = new ArrayList<>(List.of(AnnotatedDataset.LABELS_FILE));
        for (int i = 0; i < 12; i++) {
            files.add(i + ".png");
        }
        boolean anyDiffers = false;
        for (String f : files) {
            assertEquals(-1, Files.mismatch(dir.resolve("a").resolve(f), dir.resolve("b").resolve(f)), f + " differs");
            anyDiffers |= Files.mismatch(dir.resolve("a").resolve(f), dir.resolve("c").resolve(f)) != -1;
        }
        assertTrue(anyDiffers, "seed 6 wrote the same set as seed 5");
        assertNotEquals(-1, Files.mismatch(dir.resolve("a").resolve(AnnotatedDataset.LABELS_FILE),
                dir.resolve("c").resolve(AnnotatedDataset.LABELS_FILE)));
    }

    @Test
    void valAndTestPhotosAreRefusedByName(@TempDir Path dir) throws IOException {
        Path folder = dir.resolve("mixed");
        Files.createDirectories(folder);
        List<AnnotatedImage> images = new ArrayList<>();
        images.add(photo(folder.resolve("train_1.png"), 40, 40, new DigitBox(1, new Box(8, 8, 14, 22))));
        images.add(photo(folder.resolve("train_3001.png"), 40, 40, new DigitBox(2, new Box(8, 8, 14, 22))));
        AnnotatedDataset.write(folder.resolve(AnnotatedDataset.LABELS_FILE), images);
        DataException val = assertThrows(DataException.class, () -> new RealDigitRecomposer(folder, split));
        assertTrue(val.getMessage().contains("train_3001.png") && val.getMessage().contains("val photo"), val.getMessage());

        // A photo the split file does not name.
        Path unnamed = dir.resolve("unnamed");
        Files.createDirectories(unnamed);
        AnnotatedDataset.write(unnamed.resolve(AnnotatedDataset.LABELS_FILE),
                List.of(photo(unnamed.resolve("street.png"), 40, 40, new DigitBox(3, new Box(8, 8, 14, 22)))));
        DataException missing = assertThrows(DataException.class, () -> new RealDigitRecomposer(unnamed, split));
        assertTrue(missing.getMessage().contains("street.png") && missing.getMessage().contains("not in the split file"),
                missing.getMessage());

        // A link with a train name pointing at a test photo.
        Path linked = dir.resolve("linked");
        Files.createDirectories(linked);
        AnnotatedImage test = photo(linked.resolve("train_3501.png"), 40, 40, new DigitBox(4, new Box(8, 8, 14, 22)));
        Files.createDirectories(linked.resolve("l"));
        Path trainNamed = Files.createSymbolicLink(linked.resolve("l").resolve("train_2.png"), test.file());
        AnnotatedDataset.write(linked.resolve("l").resolve(AnnotatedDataset.LABELS_FILE),
                List.of(new AnnotatedImage(trainNamed, test.digits())));
        DataException viaLink = assertThrows(DataException.class, () -> new RealDigitRecomposer(linked.resolve("l"), split));
        assertTrue(viaLink.getMessage().contains("train_3501.png") && viaLink.getMessage().contains("test photo"),
                viaLink.getMessage());
    }

    @Test
    void valPhotosBesideTheTrainPhotosAreNeverRead() {
        // The shared folder holds an undecodable train_3001.png its labels do not name: building the
        // recomposer and composing succeeded, so it was never read, and every source is a train photo.
        assertEquals(PHOTOS + 1, recomposer.photoCount());
        assertEquals(2 * PHOTOS, recomposer.cutCount(), "two digits per photo, none from the washed-out one");
        assertFalse(recomposer.sourceIdentity().isEmpty());
    }

    @Test
    void lengthsFollowTheStatedWeights() {
        int n = 2000;
        int[] counts = new int[LengthMix.LONGEST + 1];
        for (int i = 0; i < n; i++) {
            counts[recomposer.generate(3, i).digits().size()]++;
        }
        double[] w = RealDigitRecomposer.LENGTHS.weights();
        double sum = java.util.Arrays.stream(w).sum();
        for (int k = 0; k < w.length; k++) {
            double expected = w[k] / sum;
            double observed = k < SequenceLabels.MAX_DIGITS ? counts[k + 1] : counts[6] + counts[7];
            observed /= n;
            double tolerance = 4 * Math.sqrt(expected * (1 - expected) / n) + 0.003;
            assertEquals(expected, observed, tolerance, "share of length class " + (k + 1));
        }
        assertTrue(counts[6] > 0 && counts[7] > 0, "6 and 7 digit numbers both occur");
    }

    @Test
    void mirrorFoldsIndicesIntoRange() {
        int[] expected = {0, 1, 2, 2, 1, 0, 0, 1};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], RealDigitRecomposer.mirror(i, 3), "index " + i);
        }
        assertEquals(0, RealDigitRecomposer.mirror(-1, 3));
        assertEquals(0, RealDigitRecomposer.mirror(5, 1));
    }

    @Test
    void clippingKeepsThePartInsideThePhoto() {
        assertEquals(new Box(0, 2, 7, 5), RealDigitRecomposer.clip(new Box(-3, 2, 10, 5), 20, 20));
        assertEquals(new Box(15, 0, 5, 20), RealDigitRecomposer.clip(new Box(15, -4, 9, 30), 20, 20));
        assertEquals(null, RealDigitRecomposer.clip(new Box(21, 0, 5, 5), 20, 20));
    }
}
