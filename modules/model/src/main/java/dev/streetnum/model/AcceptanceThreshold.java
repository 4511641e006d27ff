package dev.streetnum.model;

import java.io.Serializable;

/**
 * What a reader (the service, {@code transcribe}, the batch job, {@code pseudo-label}) judges answers
 * by at one operating point: the P(S|x) threshold for answers read from a caller's box, and the one for
 * answers read without a box given (the localizer's box, or the whole photo), calibrated apart
 * ({@link Thresholds#acceptance}). The rule itself stays {@link Thresholds#accepts}.
 *
 * @param callerBox threshold for answers read from the caller's box
 * @param noBox     threshold for answers read from a box the bundle found, or from the whole photo
 */
public record AcceptanceThreshold(double callerBox, double noBox) implements Serializable {

    public AcceptanceThreshold {
        Thresholds.checkedThreshold(callerBox, null);
        Thresholds.checkedThreshold(noBox, null);
    }

    /** One threshold for every answer (a caller's {@code --threshold}). */
    public static AcceptanceThreshold of(double threshold) {
        return new AcceptanceThreshold(threshold, threshold);
    }

    /**
     * A caller's threshold for every answer when given, else {@code stored}'s for {@code target}
     * ({@link Thresholds#acceptance}): the choice every reader's {@code --threshold} option makes.
     *
     * @param given   the caller's threshold, or null
     * @param modelId names the model when no threshold is calibrated for {@code target}
     */
    public static AcceptanceThreshold givenOr(Double given, Thresholds stored, TargetAccuracy target, String modelId) {
        return given != null ? of(given) : stored.acceptance(target, modelId);
    }

    /** The threshold for an answer read from a region of this source (null: preprocessed input, a caller's region). */
    public double forSource(BoxSource source) {
        return isCallersBox(source) ? callerBox : noBox;
    }

    /** Whether an answer from a region of this source is judged as read in a caller's box ({@link #forSource}). */
    public static boolean isCallersBox(BoxSource source) {
        return source == null || source == BoxSource.CALLER;
    }

    /** Whether {@code answer} is given: the one rule, at the threshold for where its region came from. */
    public boolean accepts(Transcription answer) {
        return answer.acceptedAt(forSource(answer.boxSource()));
    }

    /** "0.83" when both are the same, else "0.83 (no box: 0.99)". */
    @Override
    public String toString() {
        return callerBox == noBox ? Double.toString(callerBox) : callerBox + " (no box: " + noBox + ")";
    }
}
