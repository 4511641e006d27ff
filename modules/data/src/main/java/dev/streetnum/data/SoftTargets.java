package dev.streetnum.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A teacher's six head distributions for one photo (distillation, DESIGN sections 3a and 4): what a
 * student is trained towards instead of a one-hot number. In head order, flat: the length
 * distribution over {@link SequenceLabels#LENGTH_CLASSES} classes, then digit1..digit5 over
 * {@link SequenceLabels#DIGIT_CLASSES} each.
 *
 * <p>Encoded by {@link SequenceLabels.Rows#put(int, SoftTargets)}: each head's label row is its
 * distribution, and digit head i is trained (mask 1) when {@link #hasDigit} says the teacher expects that
 * digit. The loss is then the cross-entropy of each trained head against the teacher's distribution;
 * where the teacher is sure of the length it is the expectation of -log P(S|x) over the teacher's
 * factorised distribution of S. A one-hot target of a number gives exactly that number's hard labels
 * and masks.
 *
 * <p>Why not weight digit head i by P(L &gt; i), which would make the loss that expectation everywhere:
 * DL4J M2.1 does not treat a fractional label mask as a weight on the loss (measured: the score it
 * reports with one is not the weighted sum of the cross-entropies), so masks stay 0 or 1.
 */
public final class SoftTargets {

    /** Probabilities per photo: 7 + 5 x 10. */
    public static final int SIZE = SequenceLabels.LENGTH_CLASSES + SequenceLabels.MAX_DIGITS * SequenceLabels.DIGIT_CLASSES;
    /** How far a head's probabilities may sum from 1 (they are written with a few decimals). */
    public static final double SUM_TOLERANCE = 1e-3;

    private final float[] probabilities;

    private SoftTargets(float[] probabilities) {
        this.probabilities = probabilities;
    }

    /**
     * @param heads the six distributions in head order, as a transcription gives them
     * @throws IllegalArgumentException naming the head when one is the wrong size, has a value outside
     *                                  [0, 1] or does not sum to 1
     */
    public static SoftTargets of(double[][] heads) {
        if (heads.length != SequenceLabels.HEADS) {
            throw new IllegalArgumentException("soft targets need " + SequenceLabels.HEADS + " heads, got " + heads.length);
        }
        float[] flat = new float[SIZE];
        int at = 0;
        for (int h = 0; h < heads.length; h++) {
            int classes = classes(h);
            if (heads[h].length != classes) {
                throw new IllegalArgumentException(headName(h) + " needs " + classes + " probabilities, got " + heads[h].length);
            }
            for (double p : heads[h]) {
                flat[at++] = (float) p;
            }
        }
        return flat(flat);
    }

    /** @param probabilities {@link #SIZE} values in head order */
    public static SoftTargets flat(float[] probabilities) {
        if (probabilities.length != SIZE) {
            throw new IllegalArgumentException("soft targets need " + SIZE + " probabilities, got " + probabilities.length);
        }
        float[] copy = probabilities.clone();
        int at = 0;
        for (int h = 0; h < SequenceLabels.HEADS; h++) {
            double sum = 0;
            for (int c = 0; c < classes(h); c++) {
                float p = copy[at + c];
                if (!(p >= 0 && p <= 1)) {
                    throw new IllegalArgumentException(headName(h) + " has probability " + p + " for class "
                            + className(h, c) + ": a probability is in [0, 1]");
                }
                sum += p;
            }
            if (Math.abs(sum - 1) > SUM_TOLERANCE) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "%s's probabilities sum to %.6f, not 1", headName(h), sum));
            }
            at += classes(h);
        }
        return new SoftTargets(copy);
    }

    /** Head h's distribution (0: length, 1..5: digits). */
    public float[] head(int h) {
        int from = h == 0 ? 0 : SequenceLabels.LENGTH_CLASSES + (h - 1) * SequenceLabels.DIGIT_CLASSES;
        return Arrays.copyOfRange(probabilities, from, from + classes(h));
    }

    /**
     * Whether digit head i (0-based) is trained: the teacher finds it more likely than not that the number
     * has that digit, P(L &gt; i) &gt;= 1/2 (the length classes past i, "&gt;5" included).
     */
    public boolean hasDigit(int i) {
        double sum = 0;
        for (int c = i + 1; c < SequenceLabels.LENGTH_CLASSES; c++) {
            sum += probabilities[c];
        }
        return sum >= 0.5;
    }

    /** The {@link #SIZE} probabilities in head order. */
    public float[] flat() {
        return probabilities.clone();
    }

    /** Column names of the flat layout: length_0..length_5, length_over, digit1_0..digit5_9. */
    public static List<String> columns() {
        List<String> names = new ArrayList<>(SIZE);
        for (int h = 0; h < SequenceLabels.HEADS; h++) {
            for (int c = 0; c < classes(h); c++) {
                names.add(className(h, c));
            }
        }
        return names;
    }

    private static int classes(int head) {
        return head == 0 ? SequenceLabels.LENGTH_CLASSES : SequenceLabels.DIGIT_CLASSES;
    }

    private static String headName(int head) {
        return head == 0 ? "the length head" : "digit head " + head;
    }

    private static String className(int head, int c) {
        if (head == 0) {
            return c == SequenceLabels.OVERFLOW_CLASS ? "length_over" : "length_" + c;
        }
        return "digit" + head + "_" + c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SoftTargets other && Arrays.equals(probabilities, other.probabilities);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(probabilities);
    }

    @Override
    public String toString() {
        return "SoftTargets" + Arrays.toString(probabilities);
    }
}
