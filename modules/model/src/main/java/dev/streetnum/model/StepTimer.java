package dev.streetnum.model;

/**
 * Times a repeated step and reports images per second: the one timing rule of {@code bench} (the
 * network preset alone) and {@code bench-serve} (a bundle's engine alone), so their figures compare.
 * Warm-up runs untimed first, for at least {@value #WARMUP_STEPS} steps and a share of the timed
 * seconds: a fixed few steps were not enough at batch 1, where the profile showed the JIT compiler
 * (C2) still taking a quarter of the samples inside the timed window.
 */
public final class StepTimer {

    /** Steps run untimed before the clock starts, at the least. */
    public static final int WARMUP_STEPS = 3;
    /** Warm-up lasts at least this share of the timed seconds (3 s of a 10 s phase). */
    public static final double WARMUP_SHARE = 0.3;
    /** A timed phase runs at least this many steps even when one step outlasts the time asked for. */
    static final int MIN_TIMED_STEPS = 2;
    private static final double NANOS_PER_SECOND = 1e9;

    /** What one timing did: the steps run untimed and timed, and the timed span. */
    public record Timing(int warmUpSteps, int timedSteps, long timedNanos, int imagesPerStep) {
        public double imagesPerSecond() {
            return timedSteps * (double) imagesPerStep * NANOS_PER_SECOND / timedNanos;
        }
    }

    private StepTimer() {
    }

    /**
     * @param imagesPerStep images one call of {@code step} handles
     * @param seconds       timed seconds after warm-up (at least {@value #MIN_TIMED_STEPS} steps run)
     */
    public static double imagesPerSecond(int imagesPerStep, double seconds, Runnable step) {
        return time(imagesPerStep, seconds, step).imagesPerSecond();
    }

    /** {@link #imagesPerSecond} with the counts behind it. */
    public static Timing time(int imagesPerStep, double seconds, Runnable step) {
        if (imagesPerStep < 1 || !(seconds > 0)) {
            throw new IllegalArgumentException("a timed step handles at least one image for a positive time, got "
                    + imagesPerStep + " images for " + seconds + " s");
        }
        long warmUpBudget = (long) (seconds * WARMUP_SHARE * NANOS_PER_SECOND);
        long warmUpStart = System.nanoTime();
        int warmUp = 0;
        do {
            step.run();
            warmUp++;
        } while (warmUp < WARMUP_STEPS || System.nanoTime() - warmUpStart < warmUpBudget);
        long budget = (long) (seconds * NANOS_PER_SECOND);
        long start = System.nanoTime();
        long elapsed;
        int steps = 0;
        do {
            step.run();
            steps++;
            elapsed = System.nanoTime() - start;
        } while (elapsed < budget || steps < MIN_TIMED_STEPS);
        return new Timing(warmUp, steps, elapsed, imagesPerStep);
    }
}
