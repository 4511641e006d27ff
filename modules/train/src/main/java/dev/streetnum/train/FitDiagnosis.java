package dev.streetnum.train;

import java.util.Locale;

/** What the gap between training and validation error says about a run. */
public enum FitDiagnosis {
    /** Both errors high and close: more capacity, more iterations or a higher rate would help. */
    UNDERFITTING,
    /** Training error well below validation error: more data, augmentation or regularisation would help. */
    OVERFITTING,
    /** Neither. */
    BALANCED;

    /** Validation error this far (absolute) above training error counts as overfitting. */
    public static final double OVERFIT_GAP = 0.05;
    /** Training error above this, with no overfitting gap, counts as underfitting. */
    public static final double UNDERFIT_ERROR = 0.10;

    /** @param trainError, valError whole-sequence error rates measured the same way on same-sized samples */
    public static FitDiagnosis of(double trainError, double valError) {
        if (valError - trainError > OVERFIT_GAP) {
            return OVERFITTING;
        }
        return trainError > UNDERFIT_ERROR ? UNDERFITTING : BALANCED;
    }

    /** The log and report line. */
    public String sentence(double trainError, double valError) {
        String errors = String.format(Locale.ROOT, "train sequence error %.3f, validation %.3f", trainError, valError);
        return switch (this) {
            case UNDERFITTING -> "underfitting: " + errors
                    + " are close and high; train longer, raise the rate or use a bigger preset";
            case OVERFITTING -> "overfitting: " + errors
                    + "; the gap says more data, augmentation, dropout or weight decay";
            case BALANCED -> "balanced: " + errors;
        };
    }
}
