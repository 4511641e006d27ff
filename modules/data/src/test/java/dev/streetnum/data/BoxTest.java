package dev.streetnum.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BoxTest {

    @Test
    void iouMatchesCountingPixels() {
        Random random = new Random(3);
        for (int trial = 0; trial < 200; trial++) {
            Box a = new Box(random.nextInt(40) - 10, random.nextInt(40) - 10, 1 + random.nextInt(30), 1 + random.nextInt(30));
            Box b = new Box(random.nextInt(40) - 10, random.nextInt(40) - 10, 1 + random.nextInt(30), 1 + random.nextInt(30));
            int both = 0;
            int either = 0;
            for (int y = -20; y < 80; y++) {
                for (int x = -20; x < 80; x++) {
                    boolean inA = x >= a.left() && x < a.right() && y >= a.top() && y < a.bottom();
                    boolean inB = x >= b.left() && x < b.right() && y >= b.top() && y < b.bottom();
                    both += inA && inB ? 1 : 0;
                    either += inA || inB ? 1 : 0;
                }
            }
            assertEquals(both / (double) either, a.iou(b), 1e-12, a + " and " + b);
            assertEquals(a.iou(b), b.iou(a), 1e-12);
        }
    }

    @Test
    void iouOfHandPickedBoxes() {
        assertEquals(1.0, new Box(3, 4, 10, 20).iou(new Box(3, 4, 10, 20)));
        assertEquals(0.0, new Box(0, 0, 10, 10).iou(new Box(10, 0, 10, 10)));
        // Half of a 10x10 overlaps: 50 / (100 + 100 - 50).
        assertEquals(50.0 / 150, new Box(0, 0, 10, 10).iou(new Box(5, 0, 10, 10)), 1e-12);
    }

    @Test
    void visiblePartClipsToTheImage() {
        assertEquals(new Box(0, 5, 15, 10), new Box(-5, 5, 20, 10).visibleIn(100, 50));
        assertEquals(new Box(90, 40, 10, 10), new Box(90, 40, 30, 30).visibleIn(100, 50));
        assertNull(new Box(100, 0, 10, 10).visibleIn(100, 50));
    }

    @Test
    void aBoxMustTouchItsImage() {
        // A 40x30 image: its last column is 39 and its last row 29.
        new Box(39, 29, 5, 5).requireTouches(40, 30, "a.png");      // one corner pixel inside
        new Box(-10, -10, 11, 11).requireTouches(40, 30, "a.png");   // reaches pixel (0, 0)
        new Box(-5, -5, 60, 50).requireTouches(40, 30, "a.png");     // holds the whole image
        for (Box outside : new Box[] {new Box(40, 0, 5, 5), new Box(0, 30, 5, 5),
            new Box(-5, 0, 5, 5), new Box(0, -5, 5, 5), new Box(100, 100, 1, 1)}) {
            DataException e = assertThrows(DataException.class, () -> outside.requireTouches(40, 30, "a.png"));
            assertTrue(e.getMessage().startsWith("a.png: box " + outside + " (left,top,width,height) lies outside the 40x30 image"),
                    e.getMessage());
        }
    }
}
