package dev.streetnum.train;

/**
 * What a run records at one validation point: {@link TrainingLoop} keeps these as the history and
 * selects the best model by {@link #betterThan}. The transcriber's is {@link MetricsRow} (coverage at
 * 98%), the localizer's {@link LocalizerTrainer.MeanIou}.
 *
 * @param <R> the implementing record itself
 */
public interface ValidationPoint<R> {

    /** Minibatches trained when the point was taken. */
    long iteration();

    /** Whether this is a better model than {@code other}'s; any point is better than none (null). */
    boolean betterThan(R other);
}
