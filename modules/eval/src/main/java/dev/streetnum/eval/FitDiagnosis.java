package dev.streetnum.eval;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/**
 * Train against held-out error at full coverage, and which way to go next (the practical methodology:
 * high train error means underfitting, a large train/held-out gap means overfitting). The one rule for
 * the whole project: the trainer's log and {@code run.json} (held-out = validation) and the evaluator's
 * report (held-out = test) both call {@link #of}.
 *
 * @param trainError 1 - sequence accuracy on the training set
 * @param testError  1 - sequence accuracy on the held-out set (the test set in a report)
 * @param verdict    "overfitting", "underfitting" or "fits"
 * @param sentence   the verdict said for a person, with the numbers
 */
public record FitDiagnosis(double trainError, double testError, String verdict, String sentence) {

    /** A held-out error this many points above train error is a gap worth acting on. */
    public static final double OVERFITTING_GAP = 0.03;
    public static final String OVERFITTING = "overfitting";
    public static final String UNDERFITTING = "underfitting";
    public static final String FITS = "fits";

    @JsonProperty
    public double gap() {
        return testError - trainError;
    }

    /** The evaluator's form: the held-out set is the test set. */
    public static FitDiagnosis of(double trainAccuracy, double testAccuracy, double targetAccuracy) {
        return of(trainAccuracy, testAccuracy, "test", targetAccuracy);
    }

    /**
     * @param heldOutName    what the held-out set is called in the sentence ("test", "validation")
     * @param targetAccuracy a train error above 1 - target means the model does not fit even its
     *                       training data well enough for the job
     */
    public static FitDiagnosis of(double trainAccuracy, double heldOutAccuracy, String heldOutName,
                                  double targetAccuracy) {
        double trainError = 1 - trainAccuracy;
        double heldOutError = 1 - heldOutAccuracy;
        double gap = heldOutError - trainError;
        String numbers = String.format(Locale.ROOT, "train error %.1f%%, %s error %.1f%% (gap %.1f points)",
                100 * trainError, heldOutName, 100 * heldOutError, 100 * gap);
        boolean trainTooHigh = trainError > 1 - targetAccuracy;
        // Both can hold; the larger of the two errors (bias: train error; variance: the gap) is the
        // one to act on first.
        if (gap > OVERFITTING_GAP && (!trainTooHigh || gap > trainError)) {
            return new FitDiagnosis(trainError, heldOutError, OVERFITTING, "Overfitting: " + numbers
                    + ", more than " + Math.round(100 * OVERFITTING_GAP) + " points apart; regularise"
                    + " (dropout, weight decay), augment or add data.");
        }
        if (trainTooHigh) {
            return new FitDiagnosis(trainError, heldOutError, UNDERFITTING, "Underfitting: " + numbers
                    + "; the model cannot reach " + Math.round(100 * targetAccuracy) + "% even on its training"
                    + " data, so train longer or use a bigger preset.");
        }
        return new FitDiagnosis(trainError, heldOutError, FITS, "Fits: " + numbers
                + "; both within the target error of " + Math.round(100 * (1 - targetAccuracy)) + "%.");
    }
}
