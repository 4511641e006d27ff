package dev.streetnum.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.Box;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LocalizerViewsTest {

    @Test
    void everyViewHoldsTheWholeNumberAndStaysWithinItsPadding() {
        LocalizerConfig config = LocalizerConfig.defaults(1, 0, 1);
        Random random = new Random(11);
        int natural = 0;
        int padded = 0;
        int views = 20_000;
        for (int i = 0; i < views; i++) {
            int w = 20 + random.nextInt(400);
            int h = 20 + random.nextInt(200);
            int bw = 1 + random.nextInt(w);
            int bh = 1 + random.nextInt(h);
            Box number = new Box(random.nextInt(w - bw + 1), random.nextInt(h - bh + 1), bw, bh);
            Box window = LocalizerViews.window(w, h, number, config, random);
            assertTrue(window.left() <= number.left() && window.top() <= number.top()
                    && window.right() >= number.right() && window.bottom() >= number.bottom(), number + " in " + window);
            assertTrue(window.left() >= -Math.ceil(config.maxPadding() * w) - 1
                    && window.right() <= w + Math.ceil(config.maxPadding() * w) + 1, window + " of " + w + "x" + h);
            if (window.equals(new Box(0, 0, w, h))) {
                natural++;
            }
            if (window.left() < 0 || window.top() < 0 || window.right() > w || window.bottom() > h) {
                padded++;
            }
            Box inside = LocalizerViews.inWindow(number, window);
            assertEquals(number.width(), inside.width());
            assertEquals(number.left() - window.left(), inside.left());
        }
        // The shares are what the config asks for (padded views: padded share of the re-framed ones, less
        // those whose random edges happened to stay inside).
        assertEquals(config.naturalShare(), natural / (double) views, 0.02);
        assertTrue(padded > 0.5 * config.paddedShare() * (1 - config.naturalShare()) * views
                && padded < config.paddedShare() * (1 - config.naturalShare()) * views, "padded " + padded);
    }
}
