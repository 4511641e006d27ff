package dev.streetnum.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.streetnum.data.Box;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BoxEncodingTest {

    @Test
    void encodesCentreAndLogSizeRelativeToThePhoto() {
        // A 40x20 box at (30,10) in a 200x100 photo: centre (50,20), a fifth of the width and height.
        float[] v = BoxEncoding.encode(new Box(30, 10, 40, 20), 200, 100);
        assertArrayEquals(new float[] {0.25f, 0.2f, (float) Math.log(0.2), (float) Math.log(0.2)}, v, 1e-6f);
    }

    @Test
    void decodeInvertsEncodeForBoxesInsideThePhoto() {
        Random random = new Random(5);
        for (int i = 0; i < 500; i++) {
            int w = 20 + random.nextInt(500);
            int h = 20 + random.nextInt(300);
            int bw = 1 + random.nextInt(w);
            int bh = 1 + random.nextInt(h);
            Box box = new Box(random.nextInt(w - bw + 1), random.nextInt(h - bh + 1), bw, bh);
            float[] v = BoxEncoding.encode(box, w, h);
            Box back = BoxEncoding.decode(v[0], v[1], v[2], v[3], w, h);
            // Float rounding may move an edge by one pixel, never more.
            assertEquals(box.left(), back.left(), 1, box + " -> " + back);
            assertEquals(box.top(), back.top(), 1);
            assertEquals(box.right(), back.right(), 1);
            assertEquals(box.bottom(), back.bottom(), 1);
        }
    }

    @Test
    void decodedBoxesStayInsideThePhotoWhateverTheNetworkSays() {
        assertEquals(new Box(0, 0, 100, 50), BoxEncoding.decode(0.5, 0.5, 3.0, 3.0, 100, 50));
        assertEquals(new Box(0, 0, 100, 50), BoxEncoding.decode(Double.NaN, 0.5, Double.NaN, 0, 100, 50));
        Box tiny = BoxEncoding.decode(2.0, -1.0, -30, -30, 100, 50);
        assertEquals(99, tiny.left());
        assertEquals(0, tiny.top());
        assertEquals(1, tiny.width());
        assertEquals(1, tiny.height());
    }
}
