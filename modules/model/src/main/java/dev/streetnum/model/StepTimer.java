package dev.streetnum.model;

/**
 * Times a repeated step and reports images per second: the one timing rule of {@code bench} (the
 * network preset alone) and {@code bench-serve} (a bundle's engine alone), so their figures compare.
 * Warm-up steps run untimed first so the JIT, ND4J's workspaces and native caches have settled.
 */
public final class StepTimer {

    /** Steps run untimed before the clock starts. */
    public static final int WARMUP_STEPS = 3;
    /** A timed phase runs at least this many steps even when one step outlasts the time asked for. */
    private static final int MIN_TIMED_STEPS = 2;
    private static final double NANOS_PER_SECOND = 1e9;

    private StepTimer() {
    }

    /**
     * @param imagesPerStep images one call of {@code step} handles
     * @param seconds       timed seconds after warm-up (at least {@value #MIN_TIMED_STEPS} steps run)
     */
    public static double imagesPerSecond(int imagesPerStep, double seconds, Runnable step) {
        if (imagesPerStep < 1 || !(seconds > 0)) {
            throw new IllegalArgumentException("a timed step handles at least one image for a positive time, got "
                    + imagesPerStep + " images for " + seconds + " s");
        }
        for (int i = 0; i < WARMUP_STEPS; i++) {
            step.run();
        }
        long budget = (long) (seconds * NANOS_PER_SECOND);
        long start = System.nanoTime();
        long elapsed;
        int steps = 0;
        do {
            step.run();
            steps++;
            elapsed = System.nanoTime() - start;
        } while (elapsed < budget || steps < MIN_TIMED_STEPS);
        return steps * (double) imagesPerStep * NANOS_PER_SECOND / elapsed;
    }
}
