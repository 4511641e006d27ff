package dev.streetnum.data;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

class CropExpanderTest {

    private final CropExpander expander = new CropExpander(PreprocessConfig.DEFAULT);

    /** An image whose every pixel is distinct: B = x, G = y, R = (x*7 + y*13) mod 256. */
    private static Mat gradient(int w, int h) {
        Mat m = new Mat(h, w, CV_8UC3);
        byte[] px = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * 3;
                px[i] = (byte) x;
                px[i + 1] = (byte) y;
                px[i + 2] = (byte) ((x * 7 + y * 13) % 256);
            }
        }
        m.data().put(px);
        return m;
    }

    private static int value(int x, int y, int channel) {
        return channel == 0 ? x : channel == 1 ? y : (x * 7 + y * 13) % 256;
    }

    @Test
    void expandsThirtyPercentAroundTheCentre() {
        // 49 * 1.3 = 63.7 -> 64; centre x = 20 + 24.5 = 44.5, so left = 44.5 - 32 = 12.5 -> 12.
        assertEquals(new Box(12, 2, 64, 64), expander.expand(new Box(20, 10, 49, 49)));
        // 100 * 1.3 = 130, 10 * 1.3 = 13: left = 50 - 65 = -15, top = 5 - 6.5 = -1.5 -> -2.
        assertEquals(new Box(-15, -2, 130, 13), expander.expand(new Box(0, 0, 100, 10)));
        // A 1-pixel box stays 1 pixel (1.3 rounds to 1).
        assertEquals(new Box(7, 7, 1, 1), expander.expand(new Box(7, 7, 1, 1)));
        CropExpander none = new CropExpander(new PreprocessConfig(0, 64, 54));
        assertEquals(new Box(3, 4, 5, 6), none.expand(new Box(3, 4, 5, 6)));
    }

    /** When the expanded box is exactly 64x64, the crop is the cut itself: compare pixel by pixel. */
    private void assertCropIsReplicatedCut(Mat image, Box region) {
        Box e = expander.expand(region);
        assertEquals(64, e.width());
        assertEquals(64, e.height());
        byte[] crop = expander.expandedCropBytes(image, region);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                int sx = Math.max(0, Math.min(image.cols() - 1, e.left() + x));
                int sy = Math.max(0, Math.min(image.rows() - 1, e.top() + y));
                for (int c = 0; c < 3; c++) {
                    assertEquals(value(sx, sy, c), crop[(y * 64 + x) * 3 + c] & 0xff,
                            "pixel " + x + "," + y + " channel " + c + " of " + region);
                }
            }
        }
    }

    @Test
    void insideRegionIsCutExactly() {
        assertCropIsReplicatedCut(gradient(100, 80), new Box(20, 10, 49, 49));
    }

    @Test
    void partlyOutsideRegionReplicatesTheBorder() {
        assertCropIsReplicatedCut(gradient(40, 30), new Box(-10, 5, 49, 49)); // past left, right and bottom
        assertCropIsReplicatedCut(gradient(40, 30), new Box(80, -70, 49, 49)); // wholly outside: the corner pixel
    }

    @Test
    void aRegionFarOutsideCostsOnlyItsOwnSize() {
        // Before: the padded cut spanned the gap to the image, 1e9 x 64 pixels (192 GB).
        assertCropIsReplicatedCut(gradient(40, 30), new Box(1_000_000_000, 5, 49, 49));
        assertCropIsReplicatedCut(gradient(40, 30), new Box(-1_000_000_000, -900_000_000, 49, 49));
    }

    @Test
    void aRegionFarLargerThanTheImageIsRefusedNamingTheSizes() {
        Mat image = gradient(100, 40);
        DataException e = assertThrows(DataException.class,
                () -> expander.expandedCrop(image, new Box(0, 0, 10_000, 10_000)));
        assertTrue(e.getMessage().contains("13000x13000") && e.getMessage().contains("100x40"), e.getMessage());
        // 2e9 * 1.3 overflows an int: a negative width used to reach OpenCV.
        assertThrows(DataException.class, () -> expander.expandedCrop(image, new Box(0, 0, 2_000_000_000, 2_000_000_000)));
        assertThrows(IllegalArgumentException.class, () -> expander.expand(new Box(0, 0, 2_000_000_000, 2_000_000_000)));
        // Up to twice the image (or twice the resize side, for small images) is still cut.
        assertEquals(64 * 64 * 3, expander.expandedCropBytes(image, new Box(-20, -10, 150, 60)).length);
        assertEquals(64 * 64 * 3, expander.expandedCropBytes(gradient(10, 10), new Box(0, 0, 90, 90)).length);
    }

    @Test
    void aBoxCannotReachPastTheLargestInt() {
        assertThrows(IllegalArgumentException.class, () -> new Box(2_000_000_000, 0, 2_000_000_000, 1));
        assertThrows(IllegalArgumentException.class, () -> new Box(0, Integer.MAX_VALUE, 1, 1));
        assertEquals(Integer.MAX_VALUE, new Box(Integer.MAX_VALUE - 1, 0, 1, 1).right());
    }

    @Test
    void tinyRegionAndOnePixelImageGiveAFlatCrop() {
        Mat image = gradient(30, 30);
        byte[] crop = expander.expandedCropBytes(image, new Box(7, 9, 1, 1));
        for (int i = 0; i < 64 * 64; i++) {
            assertEquals(7, crop[3 * i] & 0xff);
            assertEquals(9, crop[3 * i + 1] & 0xff);
        }
        Mat one = new Mat(1, 1, CV_8UC3, new Scalar(5, 6, 7, 0));
        byte[] c1 = expander.expandedCropBytes(one, new Box(0, 0, 1, 1));
        byte[] c2 = expander.expandedCropBytes(one, null);
        for (int i = 0; i < 64 * 64; i++) {
            assertEquals(5, c1[3 * i]);
            assertEquals(7, c2[3 * i + 2]);
        }
    }

    @Test
    void shrinkingAveragesAreas() {
        // A 128x128 region of alternating black and white columns averages to mid-grey at 64x64.
        Mat stripes = new Mat(128, 128, CV_8UC3);
        byte[] px = new byte[128 * 128 * 3];
        for (int i = 0; i < 128 * 128; i++) {
            byte v = (byte) ((i % 128) % 2 == 0 ? 0 : 200);
            px[3 * i] = v;
            px[3 * i + 1] = v;
            px[3 * i + 2] = v;
        }
        stripes.data().put(px);
        byte[] crop = expander.expandedCropBytes(stripes, null);
        for (int i = 0; i < crop.length; i++) {
            assertEquals(100, crop[i] & 0xff);
        }
    }

    @Test
    void normaliseTakesTheCropSubtractsChannelMeansAndScalesToRgbChw() {
        byte[] crop = new byte[64 * 64 * 3];
        Random fill = new Random(1);
        fill.nextBytes(crop);
        for (Random random : new Random[] {null, new Random(42)}) {
            int x0 = 5;
            int y0 = 5;
            if (random != null) {
                Random same = new Random(42);
                x0 = same.nextInt(11);
                y0 = same.nextInt(11);
            }
            float[] out = new float[1 + expander.inputSize()];
            expander.normalise(crop, random, out, 1);
            for (int c = 0; c < 3; c++) {
                int bgr = 2 - c;
                double mean = 0;
                for (int y = 0; y < 54; y++) {
                    for (int x = 0; x < 54; x++) {
                        mean += crop[((y0 + y) * 64 + x0 + x) * 3 + bgr] & 0xff;
                    }
                }
                mean /= 54 * 54;
                for (int y = 0; y < 54; y += 7) {
                    for (int x = 0; x < 54; x += 5) {
                        double expected = ((crop[((y0 + y) * 64 + x0 + x) * 3 + bgr] & 0xff) - mean) / 128.0;
                        assertEquals(expected, out[1 + c * 54 * 54 + y * 54 + x], 1e-5);
                    }
                }
            }
            assertEquals(0f, out[0]);
        }
    }

    @Test
    void preprocessIsExpandedCropThenNormalise() {
        Mat image = gradient(90, 70);
        Box region = new Box(30, 20, 25, 18);
        float[] direct = new float[expander.inputSize()];
        expander.preprocess(image, region, new Random(3), direct, 0);
        float[] twoStep = new float[expander.inputSize()];
        expander.normalise(expander.expandedCropBytes(image, region), new Random(3), twoStep, 0);
        assertArrayEquals(twoStep, direct);
    }

    @Test
    void cutRegionIsTheExpandedBoxOrTheWholeImage() {
        assertEquals(expander.expand(new Box(20, 10, 49, 49)), expander.cutRegion(90, 70, new Box(20, 10, 49, 49)));
        assertEquals(new Box(0, 0, 90, 70), expander.cutRegion(90, 70, null));
    }

    /**
     * The centre crop is the 54x54 window starting at (5, 5) of the 64x64 expanded crop, and the
     * network input is exactly those pixels, RGB, minus their channel means, over 128.
     */
    @Test
    void centreCropIsWhatTheNetworkReads() {
        Mat image = gradient(90, 70);
        Box region = new Box(30, 20, 25, 18);
        byte[] expanded = expander.expandedCropBytes(image, region);
        Mat centre = expander.centreCrop(image, region);
        assertEquals(54, centre.cols());
        assertEquals(54, centre.rows());
        assertEquals(CV_8UC3, centre.type());
        byte[] px = new byte[54 * 54 * 3];
        centre.data().get(px);
        for (int y = 0; y < 54; y++) {
            for (int x = 0; x < 54; x++) {
                for (int c = 0; c < 3; c++) {
                    assertEquals(expanded[((y + 5) * 64 + x + 5) * 3 + c], px[(y * 54 + x) * 3 + c]);
                }
            }
        }
        float[] input = new float[expander.inputSize()];
        expander.preprocess(image, region, null, input, 0);
        for (int rgb = 0; rgb < 3; rgb++) {
            int bgr = 2 - rgb;
            double sum = 0;
            for (int i = 0; i < 54 * 54; i++) {
                sum += px[i * 3 + bgr] & 0xff;
            }
            double mean = sum / (54 * 54);
            for (int i = 0; i < 54 * 54; i++) {
                assertEquals(((px[i * 3 + bgr] & 0xff) - mean) / 128, input[rgb * 54 * 54 + i], 1e-5);
            }
        }
    }

    @Test
    void undecodedImagesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> expander.expandedCrop(new Mat(), null));
    }
}
