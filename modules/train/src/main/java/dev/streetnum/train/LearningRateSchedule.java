package dev.streetnum.train;

/**
 * How the learning rate moves over a run, as a function of progress = iteration / planned iterations.
 * Without a time budget it is a function of the iteration alone, so a resumed run replays the same rates;
 * with one, progress is the larger of the iteration fraction and the budget fraction (see
 * {@link #progress}), so a time-budgeted run still decays to its floor by the end of the budget.
 */
public enum LearningRateSchedule {
    /** The base rate throughout. */
    CONSTANT,
    /** The base rate, divided by {@link #STEP_DIVISOR} at each of {@link #STEP_POINTS} of the run. */
    STEP,
    /** Half a cosine from the base rate down to {@link #COSINE_FLOOR} of it at the end of the run. */
    COSINE;

    /** Fractions of the run at which STEP divides the rate. */
    public static final double[] STEP_POINTS = {0.5, 0.75};
    /** STEP's divisor at each step point. */
    public static final double STEP_DIVISOR = 10;
    /** COSINE ends at this fraction of the base rate rather than zero, so the last steps still learn. */
    public static final double COSINE_FLOOR = 0.01;

    /**
     * @param base      the configured learning rate
     * @param iteration iterations done so far
     * @param planned   iterations the run is planned to take (at least 1)
     */
    public double rate(double base, long iteration, long planned) {
        if (planned < 1) {
            throw new IllegalArgumentException("a schedule needs at least one planned iteration, got " + planned);
        }
        return rateAt(base, (double) iteration / planned);
    }

    /**
     * How far through its schedule a run is: the iteration fraction, or the fraction of the time budget
     * used when that is further along (a budget of 0 means none).
     */
    public static double progress(long iteration, long planned, long trainingMillis, double budgetMillis) {
        if (planned < 1) {
            throw new IllegalArgumentException("a schedule needs at least one planned iteration, got " + planned);
        }
        double byIteration = (double) iteration / planned;
        return budgetMillis > 0 ? Math.max(byIteration, trainingMillis / budgetMillis) : byIteration;
    }

    /** The rate at {@code progress} through the run (clamped to [0, 1]). */
    public double rateAt(double base, double progressFraction) {
        double progress = Math.min(1.0, Math.max(0.0, progressFraction));
        return switch (this) {
            case CONSTANT -> base;
            case STEP -> {
                double r = base;
                for (double point : STEP_POINTS) {
                    if (progress >= point) {
                        r /= STEP_DIVISOR;
                    }
                }
                yield r;
            }
            case COSINE -> base * (COSINE_FLOOR + (1 - COSINE_FLOOR) * 0.5 * (1 + Math.cos(Math.PI * progress)));
        };
    }
}
