package dev.streetnum.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.api.MultiDataSet;

class AugmentationTest {

    private static final int SIDE = PreprocessConfig.DEFAULT.resize();

    @TempDir
    static Path dir;
    static AnnotatedDataset generated;

    @BeforeAll
    static void generate() {
        generated = AnnotatedDataset.load(TestData.generatedSet(dir.resolve("gen"), 24, 5), false);
    }

    @Test
    void noneChangesNothing() {
        Box box = new Box(10, 20, 30, 40);
        assertEquals(box, Augmentation.NONE.jitter(box, new Random(1)));
        byte[] crop = randomCrop(3);
        byte[] copy = crop.clone();
        Augmentation.NONE.apply(crop, SIDE, new Random(1));
        assertArrayEquals(copy, crop);
    }

    /** The drawn box, measured independently of how it was drawn, stays within the stated ranges. */
    @Test
    void boxJitterStaysWithinItsStatedRanges() {
        Augmentation a = Augmentation.DEFAULT;
        Box box = new Box(100, 50, 80, 40);
        Random random = new Random(7);
        double cx = 100 + 40.0;
        double cy = 50 + 20.0;
        boolean moved = false;
        for (int i = 0; i < 2000; i++) {
            Box j = a.jitter(box, random);
            double area = (double) j.width() * j.height() / (80.0 * 40.0);
            double aspect = ((double) j.width() / j.height()) / 2.0;
            // rounding each side to a pixel moves area and aspect by at most ~1/40 + 1/80
            assertTrue(area >= 1 - a.boxScale() - 0.04 && area <= 1 + a.boxScale() + 0.04, "area " + area);
            assertTrue(aspect >= 1 - a.boxAspect() - 0.04 && aspect <= 1 + a.boxAspect() + 0.04, "aspect " + aspect);
            double dx = Math.abs(j.left() + j.width() / 2.0 - cx);
            double dy = Math.abs(j.top() + j.height() / 2.0 - cy);
            assertTrue(dx <= a.boxShift() * 80 + 1, "dx " + dx);
            assertTrue(dy <= a.boxShift() * 40 + 1, "dy " + dy);
            moved |= !j.equals(box);
        }
        assertTrue(moved);
    }

    /** Jitter must not cut digits off: the 30% expansion of the jittered box still holds the digits. */
    @Test
    void theExpandedJitteredBoxKeepsTheDigitsInAlmostEveryDraw() {
        CropExpander expander = new CropExpander(PreprocessConfig.DEFAULT);
        Box digits = new Box(200, 80, 90, 60);
        Random random = new Random(11);
        int kept = 0;
        int draws = 5000;
        for (int i = 0; i < draws; i++) {
            Box e = expander.expand(Augmentation.DEFAULT.jitter(digits, random));
            // a pixel of slack: sides round to whole pixels
            if (e.left() <= digits.left() + 1 && e.top() <= digits.top() + 1
                    && e.right() >= digits.right() - 1 && e.bottom() >= digits.bottom() - 1) {
                kept++;
            }
        }
        assertTrue(kept >= 0.95 * draws, kept + " of " + draws);
    }

    @Test
    void pixelJitterIsDeterministicPerSeedAndDiffersAcrossSeeds() {
        byte[] a = randomCrop(5);
        byte[] b = a.clone();
        byte[] c = a.clone();
        Augmentation.DEFAULT.apply(a, SIDE, new Random(42));
        Augmentation.DEFAULT.apply(b, SIDE, new Random(42));
        Augmentation.DEFAULT.apply(c, SIDE, new Random(43));
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
    }

    /** Contrast scales deviations from each channel's mean and keeps the mean (checked by plain arithmetic). */
    @Test
    void contrastKeepsTheMeanAndScalesTheSpread() {
        Augmentation contrastOnly = new Augmentation(0, 0, 0, 0, 0.5, 0, 0, 0);
        byte[] crop = randomCrop(9);
        double[] before = meanAndSpread(crop, 1);
        byte[] out = crop.clone();
        Random draw = new Random(3);
        contrastOnly.apply(out, SIDE, new Random(3));
        draw.nextDouble(); // the angle
        double gain = 1 + 0.5 * (2 * draw.nextDouble() - 1);
        double[] after = meanAndSpread(out, 1);
        assertEquals(before[0], after[0], 0.6);
        // values stay inside 40..200 before, so no clipping at gains up to 1.5
        assertEquals(before[1] * gain, after[1], 0.02 * before[1]);
    }

    /** A small rotation about the centre keeps a centred square's centroid at the centre. */
    @Test
    void rotationTurnsAboutTheCentre() {
        byte[] crop = new byte[SIDE * SIDE * 3];
        for (int y = 22; y < 42; y++) {
            for (int x = 22; x < 42; x++) {
                for (int c = 0; c < 3; c++) {
                    crop[(y * SIDE + x) * 3 + c] = (byte) 200;
                }
            }
        }
        byte[] rotated = crop.clone();
        new Augmentation(0, 0, 0, 10, 0, 0, 0, 0).apply(rotated, SIDE, new Random(1));
        assertFalse(Arrays.equals(crop, rotated));
        double sum = 0;
        double sx = 0;
        double sy = 0;
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                int v = rotated[(y * SIDE + x) * 3] & 0xff;
                sum += v;
                sx += v * (x + 0.5);
                sy += v * (y + 0.5);
            }
        }
        assertEquals(SIDE / 2.0, sx / sum, 0.5);
        assertEquals(SIDE / 2.0, sy / sum, 0.5);
    }

    /**
     * Cutout alone: the crop equals the original except on one square, found from the draws it is said
     * to make, whose pixels all hold the original's per-channel mean (both computed here on their own).
     */
    @Test
    void cutoutFillsOneSquareWithTheCropMean() {
        Augmentation cutoutOnly = Augmentation.NONE.withCutout(0.25);
        for (long seed = 1; seed <= 20; seed++) {
            byte[] crop = randomCrop(seed);
            byte[] out = crop.clone();
            cutoutOnly.apply(out, SIDE, new Random(seed));
            Random draw = new Random(seed);
            for (int i = 0; i < 5; i++) {
                draw.nextDouble(); // angle, gain and three colour casts
            }
            int cx = draw.nextInt(SIDE);
            int cy = draw.nextInt(SIDE);
            int square = 16; // a quarter of 64
            double[] mean = new double[3];
            for (int i = 0; i < crop.length; i++) {
                mean[i % 3] += (crop[i] & 0xff) / (double) (SIDE * SIDE);
            }
            int changed = 0;
            for (int y = 0; y < SIDE; y++) {
                for (int x = 0; x < SIDE; x++) {
                    boolean inside = x >= cx - 8 && x < cx + 8 && y >= cy - 8 && y < cy + 8;
                    for (int c = 0; c < 3; c++) {
                        int at = (y * SIDE + x) * 3 + c;
                        int expected = inside ? (int) Math.round(mean[c]) : crop[at] & 0xff;
                        assertEquals(expected, out[at] & 0xff, "seed " + seed + " pixel " + x + "," + y + " channel " + c);
                    }
                    changed += inside ? 1 : 0;
                }
            }
            int overX = Math.min(SIDE, cx + 8) - Math.max(0, cx - 8);
            int overY = Math.min(SIDE, cy + 8) - Math.max(0, cy - 8);
            assertEquals(overX * overY, changed);
            assertTrue(changed <= square * square);
        }
        // A square centred on a corner keeps its quarter inside the crop.
        byte[] halves = new byte[SIDE * SIDE * 3];
        for (int i = 0; i < halves.length; i++) {
            halves[i] = (byte) ((i / 3) % 2 == 0 ? 0 : 200);
        }
        byte[] corner = halves.clone();
        Augmentation.fillSquare(corner, SIDE, 0, 0, 16);
        int differ = 0;
        for (int p = 0; p < SIDE * SIDE; p++) {
            differ += corner[p * 3] != halves[p * 3] ? 1 : 0;
            if (p % SIDE < 8 && p / SIDE < 8) {
                assertEquals(100, corner[p * 3] & 0xff);
            }
        }
        assertEquals(64, differ);
    }

    /**
     * The cutout draws after everything else: with it on, the crop is the one the same seed gives without
     * it (what every earlier run trained on) except inside one square.
     */
    @Test
    void cutoutChangesOnlyItsSquareOfTheDefaultJitter() {
        for (long seed = 1; seed <= 10; seed++) {
            byte[] plain = randomCrop(seed);
            byte[] cut = plain.clone();
            Augmentation.DEFAULT.apply(plain, SIDE, new Random(seed));
            Augmentation.DEFAULT.withCutout(0.25).apply(cut, SIDE, new Random(seed));
            int minX = SIDE;
            int minY = SIDE;
            int maxX = -1;
            int maxY = -1;
            for (int p = 0; p < SIDE * SIDE; p++) {
                if (plain[p * 3] != cut[p * 3] || plain[p * 3 + 1] != cut[p * 3 + 1] || plain[p * 3 + 2] != cut[p * 3 + 2]) {
                    minX = Math.min(minX, p % SIDE);
                    maxX = Math.max(maxX, p % SIDE);
                    minY = Math.min(minY, p / SIDE);
                    maxY = Math.max(maxY, p / SIDE);
                }
            }
            assertTrue(maxX >= 0, "seed " + seed + ": the cutout changed nothing");
            assertTrue(maxX - minX < 16 && maxY - minY < 16, "seed " + seed + ": changes span " + minX + ".." + maxX
                    + " x " + minY + ".." + maxY);
        }
        assertEquals(Augmentation.DEFAULT, Augmentation.DEFAULT.withCutout(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Augmentation.DEFAULT.withCutout(1));
        assertTrue(e.getMessage().contains("cutout"), e.getMessage());
    }

    @Test
    void jitteredBatchesRepeatPerSeedAndEvaluationIgnoresTheJitter() {
        CropExpander expander = new CropExpander(PreprocessConfig.DEFAULT);
        float[] first = features(expander, new StreetNumberIterator.Options(8, true, true, 3, 2, null, Augmentation.DEFAULT));
        float[] again = features(expander, new StreetNumberIterator.Options(8, true, true, 3, 2, null, Augmentation.DEFAULT));
        float[] plain = features(expander, new StreetNumberIterator.Options(8, true, true, 3, 2, null));
        assertArrayEquals(first, again);
        assertFalse(Arrays.equals(first, plain));
        float[] evalJitter = features(expander, new StreetNumberIterator.Options(8, false, false, 3, 1, null, Augmentation.DEFAULT));
        float[] evalPlain = features(expander, new StreetNumberIterator.Options(8, false, false, 3, 1, null));
        assertArrayEquals(evalPlain, evalJitter);
    }

    /** The example that stopped the demo (seed 1's train split, 1584.png): its loose box is now clipped to the photo. */
    @Test
    void aGeneratedLooseBoxStaysWithinTheCropBound() {
        StreetNumberGenerator generator = new StreetNumberGenerator(LengthMix.SVHN);
        StreetNumberGenerator.Example example = generator.generate(SeedStreams.datasetSplit(1, 0), 1584);
        try (org.bytedeco.opencv.opencv_core.Mat image = example.image()) {
            Box union = example.digits().stream().map(DigitBox::box).reduce(Box::union).orElseThrow();
            assertTrue(new CropExpander(PreprocessConfig.DEFAULT).accepts(union, image.cols(), image.rows()),
                    union + " on " + image.cols() + "x" + image.rows());
        }
        // A union past the bound is clipped to the photo; one within it is left as drawn.
        List<DigitBox> wide = List.of(new DigitBox(2, new Box(22, -27, 55, 112)), new DigitBox(3, new Box(70, -20, 60, 105)));
        List<DigitBox> clipped = StreetNumberGenerator.withinCropBound(wide, 361, 72);
        assertEquals(new Box(22, 0, 55, 72), clipped.get(0).box());
        assertEquals(new Box(70, 0, 60, 72), clipped.get(1).box());
        List<DigitBox> fine = List.of(new DigitBox(2, new Box(22, -5, 55, 80)));
        assertEquals(fine, StreetNumberGenerator.withinCropBound(fine, 361, 72));
    }

    /** A loose box the crop bound takes, grown by the jitter past it, trains on the box as annotated. */
    @Test
    void aJitterPastTheCropBoundFallsBackToTheAnnotatedBox() throws Exception {
        java.nio.file.Path loose = java.nio.file.Files.createDirectories(dir.resolve("loose"));
        StringBuilder labels = new StringBuilder("file,label,left,top,width,height\n");
        for (int i = 0; i < 4; i++) {
            java.awt.image.BufferedImage photo = new java.awt.image.BufferedImage(300, 160, java.awt.image.BufferedImage.TYPE_INT_RGB);
            javax.imageio.ImageIO.write(photo, "png", loose.resolve(i + ".png").toFile());
            // 240 px tall on a 160 px photo: grown 30% it is 312 px, within the bound of 2 x 160; any
            // jitter that grows it past 246 px crosses the bound.
            labels.append(i).append(".png,1,10,-40,280,240\n");
        }
        java.nio.file.Files.writeString(loose.resolve("labels.csv"), labels);
        AnnotatedDataset set = AnnotatedDataset.load(loose, false);
        CropExpander expander = new CropExpander(PreprocessConfig.DEFAULT);
        Box annotated = set.images().get(0).region();
        assertTrue(expander.accepts(annotated, 300, 160));
        assertFalse(expander.accepts(annotated.scaled(1.03), 300, 160));
        Augmentation growing = new Augmentation(0.9, 0, 0, 0, 0, 0, 0, 0);
        try (StreetNumberIterator it = new StreetNumberIterator(set, expander,
                new StreetNumberIterator.Options(4, true, true, 3, 2, null, growing))) {
            for (int batch = 0; batch < 3 && it.hasNext(); batch++) {
                assertEquals(4, it.next().getFeatures(0).size(0));
            }
        }
    }

    @Test
    void aCropCacheCannotServeBoxJitterAndBadRangesAreNamed() {
        assertThrows(IllegalArgumentException.class,
                () -> new StreetNumberIterator.Options(8, true, true, 3, 2, dir.resolve("c.bin"), Augmentation.DEFAULT));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Augmentation(1.5, 0, 0, 0, 0, 0, 0, 0));
        assertTrue(e.getMessage().contains("box scale"), e.getMessage());
        assertNotEquals(Augmentation.NONE, Augmentation.DEFAULT);
    }

    /**
     * The partial number keeps a prefix or a suffix of 1 to n-1 digits, every one of them in some draw and
     * either end about as often, its region the kept digits' bounds (computed here from their corners).
     */
    @Test
    void aPartialNumberLeavesOutTheDigitsAtOneEnd() {
        List<DigitBox> digits = List.of(new DigitBox(2, new Box(10, 12, 9, 20)), new DigitBox(7, new Box(21, 10, 10, 22)),
                new DigitBox(2, new Box(33, 11, 9, 21)), new DigitBox(4, new Box(44, 13, 10, 19)));
        AnnotatedImage image = new AnnotatedImage(Path.of("x.png"), digits);
        Augmentation always = Augmentation.NONE.withPartialNumber(1);
        java.util.Map<Box, Integer> seen = new java.util.HashMap<>();
        Random random = new Random(3);
        int draws = 4000;
        for (int i = 0; i < draws; i++) {
            seen.merge(always.region(image, random), 1, Integer::sum);
        }
        java.util.Map<Box, String> expected = new java.util.HashMap<>();
        for (int kept = 1; kept < digits.size(); kept++) {
            expected.put(bounds(digits.subList(0, kept)), "prefix of " + kept);
            expected.put(bounds(digits.subList(digits.size() - kept, digits.size())), "suffix of " + kept);
        }
        assertEquals(expected.keySet(), seen.keySet(), "the regions drawn: " + seen);
        int prefixes = 0;
        for (var e : seen.entrySet()) {
            prefixes += expected.get(e.getKey()).startsWith("prefix") ? e.getValue() : 0;
        }
        assertEquals(0.5, prefixes / (double) draws, 0.03, "either end as likely");

        // Drawn with probability p; one digit, or a set that repeats the number's box on every row, stays whole.
        Augmentation some = Augmentation.NONE.withPartialNumber(0.3);
        int cut = 0;
        for (int i = 0; i < draws; i++) {
            cut += some.region(image, random).equals(image.region()) ? 0 : 1;
        }
        assertEquals(0.3, cut / (double) draws, 0.03);
        Box whole = new Box(10, 10, 44, 23);
        AnnotatedImage repeated = new AnnotatedImage(Path.of("y.png"),
                List.of(new DigitBox(3, whole), new DigitBox(1, whole)));
        AnnotatedImage single = new AnnotatedImage(Path.of("z.png"), List.of(new DigitBox(5, whole)));
        for (int i = 0; i < 50; i++) {
            assertEquals(whole, always.region(repeated, random));
            assertEquals(whole, always.region(single, random));
        }
        // Off, it draws nothing: the stream is where it was.
        Random off = new Random(9);
        assertEquals(image.region(), Augmentation.DEFAULT.region(image, off));
        assertEquals(new Random(9).nextLong(), off.nextLong());
    }

    /** The smallest box holding every digit's box, from their corners. */
    private static Box bounds(List<DigitBox> digits) {
        int left = Integer.MAX_VALUE;
        int top = Integer.MAX_VALUE;
        int right = Integer.MIN_VALUE;
        int bottom = Integer.MIN_VALUE;
        for (DigitBox d : digits) {
            left = Math.min(left, d.box().left());
            top = Math.min(top, d.box().top());
            right = Math.max(right, d.box().left() + d.box().width());
            bottom = Math.max(bottom, d.box().top() + d.box().height());
        }
        return new Box(left, top, right - left, bottom - top);
    }

    /** In training the cut crops keep their whole labels, and a crop cache, which holds fixed crops, refuses them. */
    @Test
    void partialNumbersChangeTheCropsButNotTheLabels() {
        CropExpander expander = new CropExpander(PreprocessConfig.DEFAULT);
        Augmentation partial = Augmentation.NONE.withPartialNumber(1);
        StreetNumberIterator.Options withPartial = new StreetNumberIterator.Options(8, true, true, 3, 2, null, partial);
        StreetNumberIterator.Options without = new StreetNumberIterator.Options(8, true, true, 3, 2, null);
        try (StreetNumberIterator a = new StreetNumberIterator(generated, expander, withPartial);
             StreetNumberIterator b = new StreetNumberIterator(generated, expander, without)) {
            MultiDataSet cut = a.next();
            MultiDataSet plain = b.next();
            for (int head = 0; head < plain.getLabels().length; head++) {
                assertEquals(plain.getLabels(head), cut.getLabels(head), "head " + head);
            }
            assertNotEquals(plain.getFeatures(0), cut.getFeatures(0));
        }
        assertThrows(IllegalArgumentException.class,
                () -> new StreetNumberIterator.Options(8, true, true, 3, 2, dir.resolve("c.bin"), partial));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Augmentation.NONE.withPartialNumber(1.5));
        assertTrue(e.getMessage().contains("partial-number"), e.getMessage());
    }

    private static float[] features(CropExpander expander, StreetNumberIterator.Options options) {
        try (StreetNumberIterator it = new StreetNumberIterator(generated, expander, options)) {
            MultiDataSet b = it.next();
            return b.getFeatures(0).reshape(b.getFeatures(0).length()).toFloatVector();
        }
    }

    /**
     * Halving the resolution is each 2x2 block's mean, enlarged back by bilinear interpolation on pixel
     * centres (OpenCV's convention, edges held): both computed here in doubles, against OpenCV's
     * fixed-point arithmetic within one grey level.
     */
    @Test
    void lowerResolutionIsTheBlockMeanEnlargedBilinearly() {
        byte[] crop = randomCrop(11);
        byte[] out = crop.clone();
        Augmentation.lowerResolution(out, SIDE, SIDE / 2);
        int half = SIDE / 2;
        double[][][] small = new double[half][half][3];
        for (int y = 0; y < half; y++) {
            for (int x = 0; x < half; x++) {
                for (int c = 0; c < 3; c++) {
                    double sum = 0;
                    for (int k = 0; k < 4; k++) {
                        sum += crop[((2 * y + k / 2) * SIDE + 2 * x + k % 2) * 3 + c] & 0xff;
                    }
                    small[y][x][c] = Math.round(sum / 4);
                }
            }
        }
        int worst = 0;
        for (int y = 0; y < SIDE; y++) {
            double fy = Math.min(Math.max((y + 0.5) / 2 - 0.5, 0), half - 1);
            int y0 = Math.min((int) Math.floor(fy), half - 2);
            double b = fy - y0;
            for (int x = 0; x < SIDE; x++) {
                double fx = Math.min(Math.max((x + 0.5) / 2 - 0.5, 0), half - 1);
                int x0 = Math.min((int) Math.floor(fx), half - 2);
                double a = fx - x0;
                for (int c = 0; c < 3; c++) {
                    double v = (1 - b) * ((1 - a) * small[y0][x0][c] + a * small[y0][x0 + 1][c])
                            + b * ((1 - a) * small[y0 + 1][x0][c] + a * small[y0 + 1][x0 + 1][c]);
                    worst = Math.max(worst, (int) Math.abs(Math.round(v) - (out[(y * SIDE + x) * 3 + c] & 0xff)));
                }
            }
        }
        assertTrue(worst <= 1, "largest difference " + worst);
        double[] before = meanAndSpread(crop, 0);
        double[] after = meanAndSpread(out, 0);
        assertEquals(before[0], after[0], 1.0);
        assertTrue(after[1] < 0.7 * before[1], "a random texture loses contrast when blurred: " + after[1] + " vs " + before[1]);
    }

    /**
     * The low-resolution view draws after everything else: with it on, the crop is the default jitter's
     * crop for the same seed, then shrunk to the side one more draw gives, and enlarged back.
     */
    @Test
    void lowResolutionDrawsLastAndShrinksToTheDrawnSide() {
        Augmentation blurred = Augmentation.DEFAULT.withLowResolution(0.6);
        int shrunk = 0;
        for (long seed = 1; seed <= 10; seed++) {
            byte[] expected = randomCrop(seed);
            Random replay = new Random(seed);
            Augmentation.DEFAULT.apply(expected, SIDE, replay);
            int small = (int) Math.round((1 - 0.6 * replay.nextDouble()) * SIDE);
            assertTrue(small >= Math.round(0.4 * SIDE) && small <= SIDE, "side " + small);
            if (small < SIDE) {
                Augmentation.lowerResolution(expected, SIDE, small);
                shrunk++;
            }
            byte[] out = randomCrop(seed);
            blurred.apply(out, SIDE, new Random(seed));
            assertArrayEquals(expected, out, "seed " + seed);
        }
        assertTrue(shrunk >= 8, "most draws shrink the crop: " + shrunk);
        assertEquals(Augmentation.DEFAULT, Augmentation.DEFAULT.withLowResolution(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Augmentation.DEFAULT.withLowResolution(1));
        assertTrue(e.getMessage().contains("low-resolution"), e.getMessage());
    }

    private static byte[] randomCrop(long seed) {
        byte[] crop = new byte[SIDE * SIDE * 3];
        Random r = new Random(seed);
        for (int i = 0; i < crop.length; i++) {
            crop[i] = (byte) (40 + r.nextInt(161));
        }
        return crop;
    }

    /** Mean and standard deviation of one channel of packed BGR bytes. */
    private static double[] meanAndSpread(byte[] bgr, int channel) {
        double sum = 0;
        double sq = 0;
        int n = bgr.length / 3;
        for (int i = channel; i < bgr.length; i += 3) {
            int v = bgr[i] & 0xff;
            sum += v;
            sq += (double) v * v;
        }
        double mean = sum / n;
        return new double[] {mean, Math.sqrt(sq / n - mean * mean)};
    }
}
