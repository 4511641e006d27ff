package dev.streetnum.data;

import java.util.Arrays;
import java.util.Random;

/**
 * How often the generator draws numbers of each length: weights for 1, 2, 3, 4, 5 digits and for
 * "6 or more" (the ">5" class). Weights need not sum to one.
 */
public record LengthMix(double[] weights) {

    /** Lengths the last weight covers: six or seven digits, equally often. */
    public static final int LONGEST = 7;
    /**
     * SVHN train's mix (1: 15%, 2: 54%, 3: 26%, 4: 4%, 5: rare) plus about 1.5% of 6-7 digit numbers so
     * the ">5" length class has examples.
     */
    public static final LengthMix SVHN = new LengthMix(new double[] {15, 54, 26, 4, 0.4, 1.5});

    public LengthMix {
        if (weights == null || weights.length != SequenceLabels.MAX_DIGITS + 1) {
            throw new IllegalArgumentException("a length mix has " + (SequenceLabels.MAX_DIGITS + 1)
                    + " weights (1,2,3,4,5,6+ digits), got " + (weights == null ? 0 : weights.length));
        }
        double sum = 0;
        for (double w : weights) {
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("length mix weights must be finite and non-negative, got "
                        + Arrays.toString(weights));
            }
            sum += w;
        }
        if (sum <= 0) {
            throw new IllegalArgumentException("length mix weights must not all be zero");
        }
        weights = weights.clone();
    }

    /** Parses {@code 15,54,26,4,0.4,1.5}. */
    public static LengthMix parse(String text) {
        String[] parts = text.split(",");
        double[] w = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                w[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("length mix weight " + (i + 1) + " is not a number: '" + parts[i] + "'");
            }
        }
        return new LengthMix(w);
    }

    /** Draws a length: 1-5, or 6-{@value #LONGEST} from the last weight. */
    public int draw(Random random) {
        double sum = Arrays.stream(weights).sum();
        double u = random.nextDouble() * sum;
        for (int i = 0; i < weights.length; i++) {
            u -= weights[i];
            if (u < 0 && weights[i] > 0) {
                return i < SequenceLabels.MAX_DIGITS ? i + 1 : SequenceLabels.MAX_DIGITS + 1
                        + random.nextInt(LONGEST - SequenceLabels.MAX_DIGITS);
            }
        }
        return lastPositive() + 1;
    }

    private int lastPositive() {
        for (int i = weights.length - 1; i >= 0; i--) {
            if (weights[i] > 0) {
                return Math.min(i, SequenceLabels.MAX_DIGITS - 1);
            }
        }
        throw new IllegalStateException("validated: some weight is positive");
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (double w : weights) {
            s.append(s.length() == 0 ? "" : ",").append(w);
        }
        return s.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LengthMix m && Arrays.equals(weights, m.weights);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(weights);
    }
}
