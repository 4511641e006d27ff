package dev.streetnum.eval;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.streetnum.data.SequenceLabels;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Accuracy at full coverage (every image answered), the way the paper counts it.
 *
 * @param examples         images
 * @param sequenceAccuracy whole number right, length included; a refusal is wrong
 * @param digitAccuracy    truth digits (first five positions) the answer has at the same position;
 *                         a position past the answer's end is wrong
 * @param lengthAccuracy   predicted length class (">5" for a refusal) equals the truth's
 * @param byLength         sequence accuracy by the truth's length class ("1".."5", ">5")
 * @param errors           the wrong answers by {@link ErrorKind}
 */
public record SequenceMetrics(int examples, double sequenceAccuracy, double digitAccuracy,
                              double lengthAccuracy, Map<String, LengthBucket> byLength, Map<String, Integer> errors) {

    /** Sequence accuracy among the images whose number has one length class. */
    public record LengthBucket(int examples, int correct) {
        @JsonProperty
        public double accuracy() {
            return examples == 0 ? Double.NaN : correct / (double) examples;
        }
    }

    public static SequenceMetrics of(Collection<Prediction> predictions) {
        int correct = 0;
        int digits = 0;
        int digitsRight = 0;
        int lengthsRight = 0;
        int[] bucketExamples = new int[SequenceLabels.LENGTH_CLASSES];
        int[] bucketCorrect = new int[SequenceLabels.LENGTH_CLASSES];
        for (Prediction p : predictions) {
            int lengthClass = SequenceLabels.lengthClass(p.truth().length());
            bucketExamples[lengthClass]++;
            if (p.correct()) {
                correct++;
                bucketCorrect[lengthClass]++;
            }
            if (p.predictedLengthClass() == lengthClass) {
                lengthsRight++;
            }
            int positions = Math.min(p.truth().length(), SequenceLabels.MAX_DIGITS);
            for (int i = 0; i < positions; i++) {
                digits++;
                if (i < p.answer().length() && p.answer().charAt(i) == p.truth().charAt(i)) {
                    digitsRight++;
                }
            }
        }
        Map<String, LengthBucket> byLength = new LinkedHashMap<>();
        for (int c = 0; c < SequenceLabels.LENGTH_CLASSES; c++) {
            if (bucketExamples[c] > 0) {
                byLength.put(lengthClassName(c), new LengthBucket(bucketExamples[c], bucketCorrect[c]));
            }
        }
        int n = predictions.size();
        return new SequenceMetrics(n, ratio(correct, n), ratio(digitsRight, digits), ratio(lengthsRight, n),
                byLength, ErrorKind.count(predictions));
    }

    /** "0".."5", or ">5" for the overflow class. */
    public static String lengthClassName(int lengthClass) {
        return lengthClass == SequenceLabels.OVERFLOW_CLASS ? ">" + SequenceLabels.MAX_DIGITS
                : Integer.toString(lengthClass);
    }

    private static double ratio(int part, int whole) {
        return whole == 0 ? Double.NaN : part / (double) whole;
    }
}
