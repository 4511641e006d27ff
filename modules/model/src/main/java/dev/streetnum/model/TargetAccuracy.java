package dev.streetnum.model;

import com.fasterxml.jackson.annotation.JsonValue;
import java.math.BigDecimal;

/**
 * A sequence accuracy an operating point is chosen for (DESIGN section 6), e.g. 0.98: the key the
 * calibrated thresholds are stored under. The one place the "(0, 1]" rule is checked.
 *
 * <p>The value is rounded to {@link #DECIMALS} decimals, so keys another tool wrote differently
 * ("0.980", "0.9800000000001") name the same accuracy and records compare numerically.
 *
 * @param value the accuracy, in (0, 1]
 */
public record TargetAccuracy(double value) implements Comparable<TargetAccuracy> {

    /**
     * The paper's operating point, 98% sequence accuracy: what the trainer selects on, the evaluator
     * calibrates for unless told otherwise, and the service serves at by default. A constant
     * expression, so command-line defaults can name it.
     */
    public static final double PAPER_ACCURACY = 0.98;
    /** {@link #PAPER_ACCURACY} as a target. */
    public static final TargetAccuracy PAPER = new TargetAccuracy(PAPER_ACCURACY);
    /** Accuracies closer than 1e-9 are one key: more digits than any report prints. */
    static final int DECIMALS = 9;
    private static final double SCALE = 1e9;

    public TargetAccuracy {
        // Both operands are exact in double, so the quotient is the double nearest the rounded decimal:
        // 0.980 and 0.98 become the same double as the literal 0.98.
        double rounded = Math.round(value * SCALE) / SCALE;
        if (!(value > 0 && value <= 1) || rounded == 0) {
            throw new IllegalArgumentException("a target accuracy is in (0, 1], e.g. 0.98, got " + value);
        }
        value = rounded;
    }

    /**
     * The target a stored key names.
     *
     * @throws IllegalArgumentException naming the key when it is not an accuracy in (0, 1]
     */
    public static TargetAccuracy parse(String key) {
        double value;
        try {
            value = Double.parseDouble(key.trim());
        } catch (NumberFormatException | NullPointerException e) {
            throw new IllegalArgumentException("'" + key + "' is not a target accuracy: expected a number in (0, 1],"
                    + " e.g. 0.98");
        }
        return new TargetAccuracy(value);
    }

    /** How the target is written as a key, in the bundle and in reports: 0.98 -> "0.98", 1 -> "1". */
    public String key() {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /** {@code new TargetAccuracy(accuracy).key()}, for callers holding a plain number. */
    public static String keyOf(double accuracy) {
        return new TargetAccuracy(accuracy).key();
    }

    /** Written as the plain number it is. */
    @JsonValue
    @Override
    public double value() {
        return value;
    }

    @Override
    public int compareTo(TargetAccuracy other) {
        return Double.compare(value, other.value);
    }

    @Override
    public String toString() {
        return key();
    }
}
