package dev.streetnum.eval;

import java.util.TreeSet;

/** Coverage by trying every threshold, with no sorting: the independent check of {@link CoverageCurve}. */
final class BruteForceCoverage {

    /** Accepted and correct-accepted counts at threshold t: transcribable (finite) and confidence >= t. */
    static int[] acceptedAt(double[] confidence, boolean[] correct, double t) {
        int accepted = 0;
        int right = 0;
        for (int i = 0; i < confidence.length; i++) {
            if (confidence[i] != CoverageCurve.REFUSED && confidence[i] >= t) {
                accepted++;
                right += correct[i] ? 1 : 0;
            }
        }
        return new int[] {accepted, right};
    }

    /** {accepted count, threshold} of the largest accepted set at least {@code target} correct. */
    static double[] best(double[] confidence, boolean[] correct, double target) {
        TreeSet<Double> thresholds = new TreeSet<>();
        for (double c : confidence) {
            if (c != CoverageCurve.REFUSED) {
                thresholds.add(c);
            }
        }
        int bestAccepted = 0;
        double bestThreshold = Double.POSITIVE_INFINITY;
        for (double t : thresholds) {
            int[] counts = acceptedAt(confidence, correct, t);
            if (counts[0] > bestAccepted && (double) counts[1] / counts[0] >= target) {
                bestAccepted = counts[0];
                bestThreshold = t;
            }
        }
        return new double[] {bestAccepted, bestThreshold};
    }

    /**
     * The area under the risk-coverage curve the slow way: each prediction scores the error rate of the
     * set a threshold at its confidence accepts (a refusal: of the whole set), and the area is their mean.
     */
    static double riskCoverageArea(double[] confidence, boolean[] correct) {
        return riskCoverageArea(confidence, correct, 1);
    }

    /**
     * The same mean over the round(maxCoverage N) most confident predictions alone (at least one): the
     * scores sorted by their prediction's confidence, highest first, and the first ones averaged (members
     * of a tie score alike, so which of them make the cut does not matter).
     */
    static double riskCoverageArea(double[] confidence, boolean[] correct, double maxCoverage) {
        int n = confidence.length;
        double[][] byConfidence = new double[n][];
        for (int i = 0; i < n; i++) {
            double c = confidence[i];
            int accepted = 0;
            int right = 0;
            for (int j = 0; j < n; j++) {
                if (c == CoverageCurve.REFUSED || confidence[j] >= c) {
                    accepted++;
                    right += correct[j] ? 1 : 0;
                }
            }
            byConfidence[i] = new double[] {c, 1 - right / (double) accepted};
        }
        java.util.Arrays.sort(byConfidence, (x, y) -> Double.compare(y[0], x[0]));
        int k = Math.max(1, (int) Math.round(maxCoverage * n));
        double sum = 0;
        for (int i = 0; i < k; i++) {
            sum += byConfidence[i][1];
        }
        return sum / k;
    }

    /** A draw of predictions (indices, repeats allowed) as scores and flags, with plain loops, as a report scores them. */
    record Scored(double[] confidence, boolean[] correct) {
        static Scored of(java.util.List<Prediction> predictions, int[] draw) {
            double[] confidence = new double[draw.length];
            boolean[] correct = new boolean[draw.length];
            for (int i = 0; i < draw.length; i++) {
                Prediction p = predictions.get(draw[i]);
                confidence[i] = p.transcribable() ? p.confidence() : CoverageCurve.REFUSED;
                correct[i] = p.transcribable() && p.answer().equals(p.truth());
            }
            return new Scored(confidence, correct);
        }

        int right() {
            int right = 0;
            for (boolean c : correct) {
                right += c ? 1 : 0;
            }
            return right;
        }
    }

    private BruteForceCoverage() {
    }
}
