package dev.streetnum.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Random;
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
                }
                previous = b;
            }
        }
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
