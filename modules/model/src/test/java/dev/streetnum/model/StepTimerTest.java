package dev.streetnum.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The benchmarks' timing rule, against a step whose duration and count the test knows. */
class StepTimerTest {

    @Test
    void runsTheLeastWarmUpThenTwoTimedStepsWhenOneStepOutlastsTheBudget() {
        AtomicInteger calls = new AtomicInteger();
        StepTimer.Timing t = StepTimer.time(4, 1e-9, () -> pause(calls, 5));
        assertEquals(StepTimer.WARMUP_STEPS, t.warmUpSteps());
        assertEquals(StepTimer.MIN_TIMED_STEPS, t.timedSteps());
        assertEquals(StepTimer.WARMUP_STEPS + StepTimer.MIN_TIMED_STEPS, calls.get());
        // Two timed steps of at least 5 ms each for 4 images: at most 4 / 0.005 = 800 images/s.
        assertTrue(t.imagesPerSecond() > 0 && t.imagesPerSecond() <= 800, "rate " + t.imagesPerSecond());
    }

    @Test
    void warmsUpForAShareOfTheTimeThenTimesOnlyTheTimedSteps() {
        AtomicInteger calls = new AtomicInteger();
        long start = System.nanoTime();
        StepTimer.Timing t = StepTimer.time(3, 0.1, () -> pause(calls, 2));
        double wall = (System.nanoTime() - start) / 1e9;
        assertEquals(calls.get(), t.warmUpSteps() + t.timedSteps());
        // 30 ms of warm-up in steps of at least 2 ms: at most 15 + 1 steps; at least 3.
        assertTrue(t.warmUpSteps() >= StepTimer.WARMUP_STEPS && t.warmUpSteps() <= 16, "warm-up " + t.warmUpSteps());
        assertTrue(t.timedNanos() >= 100_000_000L && t.timedNanos() / 1e9 < wall, "timed " + t.timedNanos());
        assertEquals(t.timedSteps() * 3 / (t.timedNanos() / 1e9), t.imagesPerSecond(), 1e-9);
        assertTrue(t.imagesPerSecond() <= 3 / 0.002, "rate " + t.imagesPerSecond());
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
