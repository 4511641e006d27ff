package dev.streetnum.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The benchmarks' timing rule, against a step whose duration and count the test knows. */
class StepTimerTest {

    @Test
    void runsWarmUpThenAtLeastTwoTimedStepsWhenOneStepOutlastsTheBudget() {
        AtomicInteger calls = new AtomicInteger();
        double rate = StepTimer.imagesPerSecond(4, 1e-9, () -> pause(calls, 5));
        assertEquals(StepTimer.WARMUP_STEPS + 2, calls.get());
        // Two timed steps of at least 5 ms each for 4 images: at most 4 / 0.005 = 800 images/s.
        assertTrue(rate > 0 && rate <= 800, "rate " + rate);
    }

    @Test
    void rateIsTimedImagesOverTimedSecondsOnly() {
        AtomicInteger calls = new AtomicInteger();
        long start = System.nanoTime();
        double rate = StepTimer.imagesPerSecond(3, 0.05, () -> pause(calls, 2));
        double wall = (System.nanoTime() - start) / 1e9;
        int timed = calls.get() - StepTimer.WARMUP_STEPS;
        assertTrue(timed >= 2, "timed steps " + timed);
        // The timed span lies within the whole call and is at least the 50 ms asked for; the warm-up is outside it.
        assertTrue(rate >= timed * 3 / wall, "rate " + rate + " vs " + timed * 3 / wall);
        assertTrue(rate <= timed * 3 / 0.05, "rate " + rate + " vs " + timed * 3 / 0.05);
    }

    @Test
    void refusesNoImagesOrNoTime() {
        assertThrows(IllegalArgumentException.class, () -> StepTimer.imagesPerSecond(0, 1, () -> { }));
        assertThrows(IllegalArgumentException.class, () -> StepTimer.imagesPerSecond(1, 0, () -> { }));
    }

    private static void pause(AtomicInteger calls, long millis) {
        calls.incrementAndGet();
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
