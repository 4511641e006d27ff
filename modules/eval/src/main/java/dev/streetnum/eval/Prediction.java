package dev.streetnum.eval;

import dev.streetnum.data.Box;
import dev.streetnum.data.DataException;
import dev.streetnum.data.SequenceLabels;
import dev.streetnum.model.BoxSource;
import dev.streetnum.model.Thresholds;
import dev.streetnum.model.Transcription;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One image's truth beside the model's answer: a row of {@code predictions.csv}.
 *
 * @param file            the image, relative to its data set's folder
 * @param truth           the annotated number, e.g. "1849" (may be longer than five digits)
 * @param answer          the model's candidate, even when it refused (for review)
 * @param transcribable   false when the ">5" length class won: the model refused
 * @param confidence      P(S|x) of the candidate
 * @param adHocConfidence the baseline: product of the six heads' maximum probabilities
 * @param box             the region the model read (before the 30% expansion); null when not known
 * @param boxSource       where it came from (the CSV's box is {@link BoxSource#CALLER}); null when not known
 * @param boxIou          IoU of that region against the CSV's union box when the model was given no box; NaN otherwise
 * @param boxReadings     without a box and with several localizers, every candidate box's own reading
 *                        ({@code box-readings.csv}); empty otherwise, and when read back from predictions.csv
 */
public record Prediction(String file, String truth, String answer, boolean transcribable,
                         double confidence, double adHocConfidence, Box box, BoxSource boxSource, double boxIou,
                         List<CandidateBox> boxReadings) {

    /** One candidate box's reading and its IoU against the CSV's union box. */
    public record CandidateBox(Transcription.BoxReading reading, double boxIou) {
    }

    /** A prediction from one region read. */
    public Prediction(String file, String truth, String answer, boolean transcribable, double confidence,
                      double adHocConfidence, Box box, BoxSource boxSource, double boxIou) {
        this(file, truth, answer, transcribable, confidence, adHocConfidence, box, boxSource, boxIou, List.of());
    }

    /** A prediction read from the CSV's box (or with no box information). */
    public Prediction(String file, String truth, String answer, boolean transcribable, double confidence,
                      double adHocConfidence) {
        this(file, truth, answer, transcribable, confidence, adHocConfidence, null, null, Double.NaN);
    }

    public Prediction {
        if (file == null || truth == null || answer == null) {
            throw new IllegalArgumentException("a prediction needs a file, a truth and an answer");
        }
        boxReadings = boxReadings == null ? List.of() : List.copyOf(boxReadings);
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
        return correct(transcribable, answer, truth);
    }

    /** The one rule of a right answer, for this row and for each candidate box's reading. */
    static boolean correct(boolean transcribable, String answer, String truth) {
        return transcribable && answer.equals(truth);
    }

    /** The length class the model chose: the answer's length, or ">5" when it refused. */
    public int predictedLengthClass() {
        return transcribable ? SequenceLabels.lengthClass(answer.length()) : SequenceLabels.OVERFLOW_CLASS;
    }

    /** P(S|x) as {@link CoverageCurve} ranks it and a threshold judges it: refusals are never accepted. */
    public double principledScore() {
        return Thresholds.score(transcribable, confidence);
    }

    /** The baseline confidence, ranked the same way. */
    public double adHocScore() {
        return Thresholds.score(transcribable, adHocConfidence);
    }

    /** Whether the service gives this answer at threshold t ({@link Thresholds#accepts}). */
    public boolean acceptedAt(double threshold) {
        return Thresholds.accepts(transcribable, confidence, threshold);
    }

    /**
     * A set's predictions by file, in its order, for pairing two models' reads of the same files.
     *
     * @param set  names the set in the error
     * @param what what a row is ("photo", "cut"), for the error
     * @throws DataException when a file has two rows
     */
    static Map<String, Prediction> byFile(List<Prediction> predictions, String set, String what) {
        Map<String, Prediction> byFile = new LinkedHashMap<>();
        for (Prediction p : predictions) {
            if (byFile.put(p.file(), p) != null) {
                throw new DataException(set + ": " + what + " '" + p.file() + "' has two rows");
            }
        }
        return byFile;
    }
}
