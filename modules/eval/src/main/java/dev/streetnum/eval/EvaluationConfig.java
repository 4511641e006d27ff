package dev.streetnum.eval;

import dev.streetnum.model.ReadViews;
import dev.streetnum.model.TargetAccuracy;

/**
 * How an evaluation runs.
 *
 * @param targetAccuracy the accuracy the operating threshold is chosen for ({@link TargetAccuracy#PAPER} by default)
 * @param batchSize      images per forward pass
 * @param limit          at most this many images from each set (the first ones, in CSV order)
 * @param showProgress   draw a progress bar on stderr (off in tests and inside training)
 * @param boxUse         how the CSV's boxes are used: given to the model, withheld from it, or read as found
 * @param views          what each region is read as (test-time augmentation; {@link ReadViews#CENTRE}: plain)
 */
public record EvaluationConfig(double targetAccuracy, int batchSize, int limit, boolean showProgress, BoxUse boxUse,
                               ReadViews views) {

    public static final int DEFAULT_BATCH_SIZE = 64;
    public static final int NO_LIMIT = Integer.MAX_VALUE;

    public static final EvaluationConfig DEFAULT =
            new EvaluationConfig(TargetAccuracy.PAPER_ACCURACY, DEFAULT_BATCH_SIZE, NO_LIMIT, true, BoxUse.GIVEN);

    /** Read plainly: one centre view per region. */
    public EvaluationConfig(double targetAccuracy, int batchSize, int limit, boolean showProgress, BoxUse boxUse) {
        this(targetAccuracy, batchSize, limit, showProgress, boxUse, ReadViews.CENTRE);
    }

    /** With the CSV's boxes given to the model, as a detector's would be. */
    public EvaluationConfig(double targetAccuracy, int batchSize, int limit, boolean showProgress) {
        this(targetAccuracy, batchSize, limit, showProgress, BoxUse.GIVEN);
    }

    public EvaluationConfig {
        targetAccuracy = new TargetAccuracy(targetAccuracy).value();
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (limit < 1) {
            throw new IllegalArgumentException("the image limit must be at least 1, got " + limit);
        }
        if (boxUse == null) {
            throw new IllegalArgumentException("say how the CSV's boxes are used (BoxUse.GIVEN to give them to the"
                    + " model)");
        }
        if (views == null) {
            throw new IllegalArgumentException("give the views to read (ReadViews.CENTRE for the plain read)");
        }
    }
}
