package dev.streetnum.eval;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Train against test error at full coverage, and which way to go next (the practical methodology:
 * high train error means underfitting, a large train-test gap means overfitting).
 *
 * @param trainError 1 - sequence accuracy on the training set
 * @param testError  1 - sequence accuracy on the test set
 * @param verdict    "overfitting", "underfitting" or "fits"
 * @param sentence   the verdict said for a person, with the numbers
 */
public record FitDiagnosis(double trainError, double testError, String verdict, String sentence) {

    /** A test error this many points above train error is a gap worth acting on. */
    public static final double OVERFITTING_GAP = 0.03;

    @JsonProperty
    public double gap() {
        return testError - trainError;
    }

    /**
     * @param targetAccuracy a train error above 1 - target means the model does not fit even its
     *                       training data well enough for the job
     */
    public static FitDiagnosis of(double trainAccuracy, double testAccuracy, double targetAccuracy) {
        double trainError = 1 - trainAccuracy;
        double testError = 1 - testAccuracy;
        double gap = testError - trainError;
        String numbers = String.format("train error %.1f%%, test error %.1f%% (gap %.1f points)",
                100 * trainError, 100 * testError, 100 * gap);
        boolean trainTooHigh = trainError > 1 - targetAccuracy;
        // Both can hold; the larger of the two errors (bias: train error; variance: the gap) is the
        // one to act on first.
        if (gap > OVERFITTING_GAP && (!trainTooHigh || gap > trainError)) {
            return new FitDiagnosis(trainError, testError, "overfitting", "Overfitting: " + numbers
                    + ", more than " + Math.round(100 * OVERFITTING_GAP) + " points apart; regularise"
                    + " (dropout, weight decay), augment or add data.");
        }
        if (trainTooHigh) {
            return new FitDiagnosis(trainError, testError, "underfitting", "Underfitting: " + numbers
                    + "; the model cannot reach " + Math.round(100 * targetAccuracy) + "% even on its training"
                    + " data, so train longer or use a bigger preset.");
        }
        return new FitDiagnosis(trainError, testError, "fits", "Fits: " + numbers
                + "; both within the target error of " + Math.round(100 * (1 - targetAccuracy)) + "%.");
    }
}
