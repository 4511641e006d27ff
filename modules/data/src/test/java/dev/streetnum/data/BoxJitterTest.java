package dev.streetnum.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BoxJitterTest {

    private static final Box BOX = new Box(100, 50, 40, 20);

    @Test
    void eachEdgeMovesAtMostTheShareOfItsSideBothWaysAndTheSameForOnePhoto() {
        BoxJitter jitter = new BoxJitter(0.25, 7);
        // Worked by hand: edges move up to 0.25 x 40 = 10 px across, 0.25 x 20 = 5 px up or down, and
        // rounding to whole pixels adds at most half a pixel.
        int leftOut = 0;
        int leftIn = 0;
        int bottomOut = 0;
        double iou = 0;
        for (int i = 0; i < 2000; i++) {
            Box moved = jitter.apply(BOX, i);
            assertTrue(Math.abs(moved.left() - BOX.left()) <= 10 && Math.abs(moved.right() - BOX.right()) <= 10
                    && Math.abs(moved.top() - BOX.top()) <= 5 && Math.abs(moved.bottom() - BOX.bottom()) <= 5,
                    "photo " + i + ": " + moved);
            assertEquals(moved, jitter.apply(BOX, i), "photo " + i + " moves the same way every time");
            leftOut += moved.left() < BOX.left() - 5 ? 1 : 0;
            leftIn += moved.left() > BOX.left() + 5 ? 1 : 0;
            bottomOut += moved.bottom() > BOX.bottom() + 2 ? 1 : 0;
            iou += moved.iou(BOX);
        }
        // A uniform move in [-10, 10] is beyond 5 px either way a quarter of the time each.
        assertTrue(leftOut > 400 && leftOut < 600 && leftIn > 400 && leftIn < 600, leftOut + " out, " + leftIn + " in");
        assertTrue(bottomOut > 450 && bottomOut < 750, bottomOut + " of 2000 below by more than 2 px");
        // The mean IoU with the box, computed apart by Monte Carlo over continuous moves (a short Python
        // loop, 400,000 draws): 0.6217; whole pixels and 2,000 draws stay within 0.02 of it.
        assertEquals(0.6217, iou / 2000, 0.02, "mean IoU");
        assertNotEquals(jitter.apply(BOX, 3), new BoxJitter(0.25, 8).apply(BOX, 3), "another seed, another draw");
    }

    @Test
    void noJitterIsTheBoxAndCrossedEdgesLeaveAPixel() {
        assertEquals(BOX, new BoxJitter(0, 1).apply(BOX, 5));
        Box thin = new Box(10, 10, 1, 1);
        for (int i = 0; i < 200; i++) {
            Box moved = new BoxJitter(0.99, 2).apply(thin, i);
            assertTrue(moved.width() >= 1 && moved.height() >= 1, moved.toString());
        }
        assertThrows(IllegalArgumentException.class, () -> new BoxJitter(1, 1));
        assertThrows(IllegalArgumentException.class, () -> new BoxJitter(-0.1, 1));
        assertThrows(IllegalArgumentException.class, () -> new BoxJitter(Double.NaN, 1));
    }
}
