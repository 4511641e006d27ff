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
 * @param noBox          give the model no box (the CSV's boxes stay the truth the predicted box is scored
 *                       against): what a user without a detector gets
 * @param views          what each region is read as (test-time augmentation; {@link ReadViews#CENTRE}: plain)
 * @param boxesAsFound   read each CSV box as one the bundle's localizer found ({@link
 *                       dev.streetnum.model.Transcriber#transcribeAsFound}): by the networks of the no-box path,
 *                       so a set of boxes that cut the number ({@code cut-numbers}) measures that path's reading
 */
public record EvaluationConfig(double targetAccuracy, int batchSize, int limit, boolean showProgress, boolean noBox,
                               ReadViews views, boolean boxesAsFound) {

    public static final int DEFAULT_BATCH_SIZE = 64;
    public static final int NO_LIMIT = Integer.MAX_VALUE;

    public static final EvaluationConfig DEFAULT =
            new EvaluationConfig(TargetAccuracy.PAPER_ACCURACY, DEFAULT_BATCH_SIZE, NO_LIMIT, true, false);

    /** The CSV's boxes given as a caller's (or none, with {@code noBox}). */
    public EvaluationConfig(double targetAccuracy, int batchSize, int limit, boolean showProgress, boolean noBox,
                            ReadViews views) {
        this(targetAccuracy, batchSize, limit, showProgress, noBox, views, false);
    }

    /** Read plainly: one centre view per region. */
    public EvaluationConfig(double targetAccuracy, int batchSize, int limit, boolean showProgress, boolean noBox) {
        this(targetAccuracy, batchSize, limit, showProgress, noBox, ReadViews.CENTRE);
    }

    /** With the CSV's boxes given to the model, as a detector's would be. */
    public EvaluationConfig(double targetAccuracy, int batchSize, int limit, boolean showProgress) {
        this(targetAccuracy, batchSize, limit, showProgress, false);
    }

    public EvaluationConfig {
        targetAccuracy = new TargetAccuracy(targetAccuracy).value();
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (limit < 1) {
            throw new IllegalArgumentException("the image limit must be at least 1, got " + limit);
        }
        if (views == null) {
            throw new IllegalArgumentException("give the views to read (ReadViews.CENTRE for the plain read)");
        }
        if (noBox && boxesAsFound) {
            throw new IllegalArgumentException("--no-box gives no box, so there is none to read as found");
        }
    }
}
