package dev.streetnum.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Whether P(S|x) means what it says: the answers sorted by P(S|x) and cut into bins of (nearly) equal
 * count, each bin's mean P(S|x) beside the share of its answers that are right (a reliability diagram),
 * and the expected calibration error, ECE = sum over bins of (bin size / answers) * |accuracy - mean
 * P(S|x)|. Equal-count bins, because on a few hundred photos most answers sit above 0.9 and equal-width
 * bins would leave the low ones a handful each (Nixon et al. 2019, "Measuring Calibration in Deep
 * Learning", adaptive binning). Refusals (the "&gt;5" class won) have no P(S|x) for a transcription
 * and are left out, counted. Coverage at a target accuracy needs only the ranking; this says whether a
 * caller may also read P(S|x) itself as a probability of being right (without a box it reads high:
 * DESIGN section 6).
 *
 * @param bins     from the least confident answers to the most
 * @param answers  transcribable answers binned
 * @param refused  answers left out: the model refused
 * @param expectedCalibrationError the weighted mean gap between accuracy and mean P(S|x); NaN with no answers
 */
public record Reliability(List<Bin> bins, int answers, int refused, double expectedCalibrationError) {

    /** Bins a report draws: about 50 answers each on a 500-photo set. */
    public static final int BINS = 10;

    /**
     * @param count          answers in the bin
     * @param meanConfidence their mean P(S|x)
     * @param accuracy       the share of them that are right
     */
    public record Bin(int count, double meanConfidence, double accuracy) {
    }

    /** @param bins at most this many: fewer when there are fewer answers (no bin is empty) */
    public static Reliability of(List<Prediction> predictions, int bins) {
        if (bins < 1) {
            throw new IllegalArgumentException("a reliability diagram needs at least one bin, got " + bins);
        }
        List<Prediction> answered = new ArrayList<>(predictions.stream().filter(Prediction::transcribable).toList());
        answered.sort(Comparator.comparingDouble(Prediction::confidence));
        int n = answered.size();
        int count = Math.min(bins, n);
        List<Bin> result = new ArrayList<>(count);
        double gap = 0;
        for (int b = 0; b < count; b++) {
            // Bin b holds ranks [b*n/count, (b+1)*n/count): sizes differ by one at most.
            int from = (int) ((long) b * n / count);
            int to = (int) ((long) (b + 1) * n / count);
            double confidence = 0;
            int right = 0;
            for (Prediction p : answered.subList(from, to)) {
                confidence += p.confidence();
                right += p.correct() ? 1 : 0;
            }
            Bin bin = new Bin(to - from, confidence / (to - from), right / (double) (to - from));
            result.add(bin);
            gap += bin.count() * Math.abs(bin.accuracy() - bin.meanConfidence());
        }
        return new Reliability(List.copyOf(result), n, predictions.size() - n, n == 0 ? Double.NaN : gap / n);
    }
}
