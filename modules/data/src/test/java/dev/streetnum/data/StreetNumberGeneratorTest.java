package dev.streetnum.data;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreetNumberGeneratorTest {

    private final StreetNumberGenerator generator = new StreetNumberGenerator(LengthMix.SVHN);

    private static byte[] pixels(StreetNumberGenerator.Example e) {
        byte[] b = new byte[e.image().cols() * e.image().rows() * 3];
        e.image().data().get(b);
        return b;
    }

    @Test
    void eachExampleIsAFunctionOfSeedAndIndex() {
        StreetNumberGenerator.Example a = generator.generate(7, 12);
        StreetNumberGenerator.Example b = new StreetNumberGenerator(LengthMix.SVHN).generate(7, 12);
        assertEquals(a.digits(), b.digits());
        assertArrayEquals(pixels(a), pixels(b));
        assertFalse(java.util.Arrays.equals(pixels(a), pixels(generator.generate(7, 13))), "another index, another image");
    }

    @Test
    void imagesHaveSvhnLikeSizesAndBoxesLieOnTheNumber() {
        List<Double> aspects = new ArrayList<>();
        List<Double> gaps = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            StreetNumberGenerator.Example e = generator.generate(3, i);
            int w = e.image().cols();
            int h = e.image().rows();
            assertTrue(h >= StreetNumberGenerator.MIN_HEIGHT && h <= StreetNumberGenerator.MAX_HEIGHT, "height " + h);
            Box previous = null;
            for (DigitBox d : e.digits()) {
                Box b = d.box();
                // Warps may push a box slightly past the edge (as in SVHN), never far.
                assertTrue(b.left() >= -w / 4 && b.right() <= w + w / 4 && b.top() >= -h / 4 && b.bottom() <= h + h / 4,
                        "example " + i + " box " + b + " in " + w + "x" + h);
                if (previous != null) { // reading order: left to right
                    assertTrue(b.left() + b.width() / 2 > previous.left() + previous.width() / 2, "example " + i);
                    gaps.add((b.left() - previous.right()) / (double) b.height());
                }
                aspects.add(b.width() / (double) b.height());
                previous = b;
            }
        }
        // Real SVHN (train split): median box width/height 0.48, median gap between boxes 0.0 heights;
        // the generator before it was made closer to real photos gave 0.76 and 0.10.
        assertTrue(median(aspects) < 0.7, "median box aspect " + median(aspects));
        assertTrue(median(gaps) < 0.05, "median gap " + median(gaps));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    @Test
    void looseBoxesContainTheTightBoxWithTheirMargins() {
        // Tight box x 10.3..20.2, y 5.7..30.9; digits 25 px tall; margins 0.1, 0.05, 0, 0.12 heights.
        Box loose = StreetNumberGenerator.loosen(10.3, 5.7, 20.2, 30.9, 25, 0.1, 0.05, 0, 0.12);
        assertEquals(new Box(7, 4, 14, 30), loose); // floor(7.8), floor(4.45), ceil(20.2), ceil(33.9)
        assertEquals(new Box(10, 5, 11, 26), StreetNumberGenerator.loosen(10.3, 5.7, 20.2, 30.9, 25, 0, 0, 0, 0));
    }

    @Test
    void lowerResolutionRemovesFineDetailAndKeepsTheSize() {
        // Vertical stripes 2 px wide: the finest detail a photo holds.
        int w = 60;
        int h = 30;
        byte[] stripes = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++) {
            byte v = (byte) ((i % w) / 2 % 2 == 0 ? 40 : 220);
            stripes[3 * i] = v;
            stripes[3 * i + 1] = v;
            stripes[3 * i + 2] = v;
        }
        Mat image = new Mat(h, w, CV_8UC3);
        image.data().put(stripes);
        Mat low = StreetNumberGenerator.lowerResolution(image, 3);
        assertEquals(w, low.cols());
        assertEquals(h, low.rows());
        byte[] after = new byte[w * h * 3];
        low.data().get(after);
        double before = gradientEnergy(stripes, w, h);
        assertTrue(gradientEnergy(after, w, h) < 0.3 * before, gradientEnergy(after, w, h) + " vs " + before);
        assertEquals(mean(stripes), mean(after), 6, "brightness is kept");
    }

    @Test
    void castShadowDarkensTheFarSideOnly() {
        int w = 40;
        int h = 20;
        byte[] px = new byte[w * h * 3];
        java.util.Arrays.fill(px, (byte) 200);
        // The line x = w/2 (normal along +x, through the centre), half the light gone beyond it.
        StreetNumberGenerator.castShadow(px, w, h, 0, 0, 0.5, 1);
        assertEquals(200, px[(5 * w + 2) * 3] & 0xff, "lit side");
        assertEquals(100, px[(5 * w + 37) * 3 + 1] & 0xff, "shadow side");
        assertEquals(150, px[(5 * w + 20) * 3 + 2] & 0xff, "on the edge: half way");
    }

    /** Mean absolute horizontal difference of the first channel. */
    private static double gradientEnergy(byte[] px, int w, int h) {
        double sum = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 1; x < w; x++) {
                sum += Math.abs((px[(y * w + x) * 3] & 0xff) - (px[(y * w + x - 1) * 3] & 0xff));
            }
        }
        return sum / (h * (w - 1));
    }

    private static double mean(byte[] px) {
        double sum = 0;
        for (byte b : px) {
            sum += b & 0xff;
        }
        return sum / px.length;
    }

    @Test
    void lengthMixMatchesItsWeights() {
        LengthMix mix = new LengthMix(new double[] {1, 2, 0, 0, 0, 1});
        Random r = new Random(5);
        int[] counts = new int[LengthMix.LONGEST + 1];
        int n = 20000;
        for (int i = 0; i < n; i++) {
            counts[mix.draw(r)]++;
        }
        assertEquals(0.25, counts[1] / (double) n, 0.015);
        assertEquals(0.50, counts[2] / (double) n, 0.015);
        assertEquals(0, counts[3] + counts[4] + counts[5]);
        assertEquals(0.125, counts[6] / (double) n, 0.015);
        assertEquals(0.125, counts[7] / (double) n, 0.015);
        assertThrows(IllegalArgumentException.class, () -> LengthMix.parse("1,2,3"));
        assertThrows(IllegalArgumentException.class, () -> LengthMix.parse("1,2,x,4,5,6"));
        assertEquals(LengthMix.SVHN, LengthMix.parse(LengthMix.SVHN.toString()));
    }

    @Test
    void testDataWritesALoadableSet(@TempDir Path dir) {
        AnnotatedDataset data = AnnotatedDataset.load(TestData.generatedSet(dir, 30, 2), false);
        assertEquals(30, data.size());
        assertEquals(0, data.skippedRows());
        assertTrue(StreetNumberGenerator.fontCount() >= 10);
    }
}
