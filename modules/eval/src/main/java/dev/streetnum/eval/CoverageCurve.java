package dev.streetnum.eval;

import dev.streetnum.model.TargetAccuracy;
import dev.streetnum.model.Thresholds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Coverage at a target accuracy (DESIGN section 6), from plain arrays of confidences and correctness:
 * no model in here, so it can be checked by hand.
 *
 * <p>Predictions sorted by confidence, highest first. Coverage at accuracy A is the largest k/N such
 * that the k most confident are at least A correct, where k only stops at the end of a run of equal
 * confidences (ties go in or out together: a threshold cannot split them). The threshold t is the
 * k-th confidence.
 *
 * <p>Refusals: a prediction whose ">5" length class won has no transcription to accept, so it is
 * never accepted at any threshold. Callers pass {@link Thresholds#score}, which is {@link #REFUSED}
 * (-infinity) for it; it still counts in N, since coverage is a fraction of all images. A threshold
 * never equals -infinity. Which scores a threshold accepts is {@link Thresholds#acceptsScore}: the
 * service's rule, so a threshold chosen here accepts in service exactly what it accepted here.
 */
public final class CoverageCurve {

    /** The score of a prediction that is not transcribed at any threshold ({@link Thresholds#REFUSED}). */
    public static final double REFUSED = Thresholds.REFUSED;

    private final double[] sortedConfidence;
    /** correctBefore[i] = correct predictions among the i most confident. */
    private final int[] correctBefore;
    /** Ends (exclusive) of the runs of equal finite confidence, ascending: the k a threshold can give. */
    private final int[] groupEnds;

    /**
     * @param confidence one per prediction, in [0,1] or {@link #REFUSED}
     * @param correct    whether each prediction matches its truth (whole sequence, length included)
     */
    public CoverageCurve(double[] confidence, boolean[] correct) {
        if (confidence.length != correct.length) {
            throw new IllegalArgumentException("need one correctness flag per confidence, got "
                    + confidence.length + " confidences and " + correct.length + " flags");
        }
        Integer[] order = new Integer[confidence.length];
        for (int i = 0; i < order.length; i++) {
            double c = confidence[i];
            if (Double.isNaN(c) || c == Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("confidence " + i + " is " + c + ": need a finite value or REFUSED");
            }
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> confidence[i]).reversed());
        int n = order.length;
        sortedConfidence = new double[n];
        correctBefore = new int[n + 1];
        List<Integer> ends = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            sortedConfidence[r] = confidence[order[r]];
            correctBefore[r + 1] = correctBefore[r] + (correct[order[r]] ? 1 : 0);
        }
        for (int r = 0; r < n && sortedConfidence[r] != REFUSED; r++) {
            if (r + 1 == n || sortedConfidence[r + 1] != sortedConfidence[r]) {
                ends.add(r + 1);
            }
        }
        groupEnds = ends.stream().mapToInt(Integer::intValue).toArray();
    }

    public int size() {
        return sortedConfidence.length;
    }

    /**
     * The largest coverage whose accepted predictions are at least {@code targetAccuracy} correct, and
     * its threshold; coverage 0 and threshold +infinity when no threshold gets there (or the set is
     * empty).
     */
    public OperatingPoint atAccuracy(double targetAccuracy) {
        double target = new TargetAccuracy(targetAccuracy).value();
        for (int g = groupEnds.length - 1; g >= 0; g--) {
            int k = groupEnds[g];
            // Division, not c >= A*k: c/k rounds to the same double as the decimal A when they are equal.
            if (correctBefore[k] / (double) k >= target) {
                return new OperatingPoint(sortedConfidence[k - 1], k, correctBefore[k], size());
            }
        }
        return new OperatingPoint(Double.POSITIVE_INFINITY, 0, 0, size());
    }

    /** What threshold t (chosen on another set, say validation) accepts from this one. */
    public OperatingPoint atThreshold(double threshold) {
        if (Double.isNaN(threshold) || threshold == REFUSED) {
            throw new IllegalArgumentException("a threshold must be a number above -infinity, got " + threshold);
        }
        int k = 0;
        for (int end : groupEnds) {
            if (Thresholds.acceptsScore(sortedConfidence[end - 1], threshold)) {
                k = end;
            } else {
                break;
            }
        }
        return new OperatingPoint(threshold, k, correctBefore[k], size());
    }

    /** Every operating point a threshold can give, from the strictest (fewest accepted) to the loosest. */
    public List<OperatingPoint> points() {
        List<OperatingPoint> points = new ArrayList<>(groupEnds.length);
        for (int k : groupEnds) {
            points.add(new OperatingPoint(sortedConfidence[k - 1], k, correctBefore[k], size()));
        }
        return points;
    }

    /**
     * The area under the risk-coverage curve (AURC; Geifman, Uziel and El-Yaniv 2019): the error rate of
     * the accepted answers, averaged over every coverage from 1/N to 1, lower is better. Each prediction
     * contributes the error rate of what a threshold at its own confidence accepts (its whole tie group
     * included); refusals, which no threshold accepts, contribute the error rate of the whole set (they
     * count as errors, as in sequence accuracy). One number for how well P(S|x) ranks right answers above
     * wrong ones: on a few hundred photos it moves far less than coverage at one accuracy, whose threshold
     * falls wherever the last confident error happens to sit. NaN for an empty set.
     */
    public double riskCoverageArea() {
        return riskCoverageArea(1);
    }

    /**
     * The risk-coverage area over the coverages up to {@code maxCoverage} alone: the mean, over the K =
     * round(maxCoverage N) most confident predictions (at least one), of what {@link #riskCoverageArea()}
     * averages over all N. Coverage at a target accuracy is decided in that part of the ranking (at 98%
     * the shipped model answers about 70% of photos with a box and 50% without), and the whole area also
     * weighs how the answers below it are ordered, which moves no threshold a caller uses. 1 gives the
     * whole area. NaN for an empty set.
     *
     * @param maxCoverage in (0, 1]
     */
    public double riskCoverageArea(double maxCoverage) {
        if (!(maxCoverage > 0 && maxCoverage <= 1)) {
            throw new IllegalArgumentException("a coverage to integrate up to must be in (0, 1], got " + maxCoverage);
        }
        int n = size();
        if (n == 0) {
            return Double.NaN;
        }
        int k = Math.max(1, (int) Math.round(maxCoverage * n));
        double sum = 0;
        int start = 0;
        for (int end : groupEnds) {
            if (start >= k) {
                break;
            }
            sum += (Math.min(end, k) - start) * (1 - correctBefore[end] / (double) end);
            start = end;
        }
        if (start < k) {
            sum += (k - start) * (1 - correctBefore[n] / (double) n); // refusals: the whole set's error rate
        }
        return sum / k;
    }

    /** Fraction of all predictions flagged correct (accepted or not); NaN for an empty set. */
    public double accuracy() {
        return size() == 0 ? Double.NaN : correctBefore[size()] / (double) size();
    }
}
