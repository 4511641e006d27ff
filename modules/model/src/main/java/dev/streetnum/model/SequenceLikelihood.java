package dev.streetnum.model;

import dev.streetnum.data.SequenceLabels;

/**
 * log P(S|x) = log P(L=n|x) + sum_{i<=min(n,5)} log P(s_i|x) (DESIGN section 4; n > 5 uses L=">5"),
 * in plain Java: the reference the network's loss and the decoder are tested against, and the
 * analytic gradient our finite-difference check compares with.
 *
 * <p>Head arrays are in network order: index 0 the length head (7 values), 1..5 the digit heads (10).
 */
public final class SequenceLikelihood {

    private SequenceLikelihood() {
    }

    /** log P(S|x) of {@code number} ("" for no digits) under the heads' probabilities. */
    public static double logProbability(double[][] headProbabilities, String number) {
        int[] digits = digits(number);
        double log = Math.log(headProbabilities[0][SequenceLabels.lengthClass(digits.length)]);
        for (int i = 0; i < Math.min(digits.length, SequenceLabels.MAX_DIGITS); i++) {
            log += Math.log(headProbabilities[1 + i][digits[i]]);
        }
        return log;
    }

    /** -log P(S|x) from the heads' pre-softmax logits. */
    public static double negativeLogLikelihood(double[][] logits, String number) {
        double[][] probabilities = new double[logits.length][];
        for (int h = 0; h < logits.length; h++) {
            probabilities[h] = softmax(logits[h]);
        }
        return -logProbability(probabilities, number);
    }

    /**
     * d(-log P(S|x))/d(logits): softmax minus one-hot on the length head and on the digit heads the
     * number reaches; zero on the digit heads past its length (they are masked out of the loss).
     */
    public static double[][] gradientWrtLogits(double[][] logits, String number) {
        int[] digits = digits(number);
        double[][] gradient = new double[logits.length][];
        for (int h = 0; h < logits.length; h++) {
            int target = h == 0 ? SequenceLabels.lengthClass(digits.length)
                    : h - 1 < digits.length ? digits[h - 1] : -1;
            gradient[h] = new double[logits[h].length];
            if (target < 0) {
                continue;
            }
            double[] p = softmax(logits[h]);
            for (int j = 0; j < p.length; j++) {
                gradient[h][j] = p[j] - (j == target ? 1 : 0);
            }
        }
        return gradient;
    }

    /** Numerically stable softmax. */
    public static double[] softmax(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double z : logits) {
            max = Math.max(max, z);
        }
        double sum = 0;
        double[] p = new double[logits.length];
        for (int j = 0; j < p.length; j++) {
            p[j] = Math.exp(logits[j] - max);
            sum += p[j];
        }
        for (int j = 0; j < p.length; j++) {
            p[j] /= sum;
        }
        return p;
    }

    /** The digits of a number written in 0-9, rejecting anything else with a sentence. */
    public static int[] digits(String number) {
        int[] d = new int[number.length()];
        for (int i = 0; i < d.length; i++) {
            char c = number.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException(
                        "a street number is written in digits 0-9, got '" + number + "'");
            }
            d[i] = c - '0';
        }
        return d;
    }
}
