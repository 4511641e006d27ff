package dev.streetnum.eval;

import dev.streetnum.data.SequenceLabels;

/**
 * One image's truth beside the model's answer: a row of {@code predictions.csv}.
 *
 * @param file            the image, relative to its data set's folder
 * @param truth           the annotated number, e.g. "1849" (may be longer than five digits)
 * @param answer          the model's candidate, even when it refused (for review)
 * @param transcribable   false when the ">5" length class won: the model refused
 * @param confidence      P(S|x) of the candidate
 * @param adHocConfidence the baseline: product of the six heads' maximum probabilities
 */
public record Prediction(String file, String truth, String answer, boolean transcribable,
                         double confidence, double adHocConfidence) {

    public Prediction {
        if (file == null || truth == null || answer == null) {
            throw new IllegalArgumentException("a prediction needs a file, a truth and an answer");
        }
        if (!isProbability(confidence) || !isProbability(adHocConfidence)) {
            throw new IllegalArgumentException("confidences are probabilities in [0,1], got " + confidence
                    + " and " + adHocConfidence + " for " + file);
        }
    }

    /** Float softmax outputs can overshoot 1 by a rounding error; more than this is a bug upstream. */
    private static final double PROBABILITY_SLACK = 1e-5;

    private static boolean isProbability(double p) {
        return p >= 0 && p <= 1 + PROBABILITY_SLACK;
    }

    /** Correct only when the whole sequence, length included, matches, and the model did not refuse. */
    public boolean correct() {
        return transcribable && answer.equals(truth);
    }

    /** The length class the model chose: the answer's length, or ">5" when it refused. */
    public int predictedLengthClass() {
        return transcribable ? SequenceLabels.lengthClass(answer.length()) : SequenceLabels.OVERFLOW_CLASS;
    }

    /** P(S|x) as {@link CoverageCurve} ranks it: refusals are never accepted. */
    public double principledScore() {
        return transcribable ? confidence : CoverageCurve.REFUSED;
    }

    public double adHocScore() {
        return transcribable ? adHocConfidence : CoverageCurve.REFUSED;
    }
}
