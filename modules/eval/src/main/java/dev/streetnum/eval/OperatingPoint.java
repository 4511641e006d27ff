package dev.streetnum.eval;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a confidence threshold does to a set of predictions: how many it accepts and how many of
 * those are right. A prediction is accepted when it is transcribable and its confidence is at least
 * the threshold (the service's rule, {@code Thresholds.accepts}).
 *
 * @param threshold       the confidence threshold t; +infinity means "accept nothing" (no non-empty
 *                        set of most-confident predictions reached the target accuracy)
 * @param accepted        predictions accepted at t
 * @param correctAccepted accepted predictions that are correct
 * @param total           all predictions in the set, refused ones included (the coverage denominator)
 */
public record OperatingPoint(double threshold, int accepted, int correctAccepted, int total) {

    public OperatingPoint {
        if (Double.isNaN(threshold)) {
            throw new IllegalArgumentException("an operating point's threshold cannot be NaN");
        }
        if (total < 0 || accepted < 0 || accepted > total || correctAccepted < 0 || correctAccepted > accepted) {
            throw new IllegalArgumentException("inconsistent counts: need 0 <= correctAccepted <= accepted <= total,"
                    + " got correctAccepted=" + correctAccepted + ", accepted=" + accepted + ", total=" + total);
        }
    }

    /** Fraction of the set accepted; 0 for an empty set. */
    @JsonProperty
    public double coverage() {
        return total == 0 ? 0 : accepted / (double) total;
    }

    /** Fraction of the accepted predictions that are correct; NaN when nothing is accepted. */
    @JsonProperty
    public double accuracy() {
        return accepted == 0 ? Double.NaN : correctAccepted / (double) accepted;
    }

    /** Whether some prediction can pass the threshold at all. */
    public boolean acceptsAnything() {
        return threshold != Double.POSITIVE_INFINITY;
    }
}
