package dev.streetnum.eval;

import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What kind of wrong a wrong answer is. Which kind dominates says what to fix: extra digits come from a
 * region that takes in a neighbouring digit (or a photo whose annotation names only some of the digits it
 * shows, common in SVHN when no box is given), missing digits from a region that cuts the number, wrong
 * digits from the reading itself.
 */
public enum ErrorKind {
    /** The answer holds the whole truth with more digits beside it ("9" read "19"). */
    EXTRA_DIGITS("extra digits"),
    /** The answer is part of the truth ("2040" read "20"), or empty. */
    MISSING_DIGITS("missing digits"),
    /** Any other wrong answer, e.g. "89" read "90". */
    WRONG_DIGITS("wrong digits"),
    /** The model chose the ">5" length class: it refused to read the number. */
    REFUSED("refused");

    private final String label;

    ErrorKind(String label) {
        this.label = label;
    }

    /** The name reports use. */
    public String label() {
        return label;
    }

    /** The kind of a wrong prediction; null for a right one. */
    public static ErrorKind of(Prediction p) {
        if (p.correct()) {
            return null;
        }
        if (!p.transcribable()) {
            return REFUSED;
        }
        String truth = p.truth();
        String answer = p.answer();
        if (answer.length() > truth.length() && answer.contains(truth)) {
            return EXTRA_DIGITS;
        }
        if (answer.length() < truth.length() && truth.contains(answer)) {
            return MISSING_DIGITS;
        }
        return WRONG_DIGITS;
    }

    /** How many of the predictions are wrong in each way, by {@link #label()}, every kind listed (0 included). */
    public static Map<String, Integer> count(Collection<Prediction> predictions) {
        Map<ErrorKind, Integer> counts = new EnumMap<>(ErrorKind.class);
        for (ErrorKind kind : values()) {
            counts.put(kind, 0);
        }
        for (Prediction p : predictions) {
            ErrorKind kind = of(p);
            if (kind != null) {
                counts.merge(kind, 1, Integer::sum);
            }
        }
        Map<String, Integer> byLabel = new LinkedHashMap<>();
        counts.forEach((kind, n) -> byLabel.put(kind.label, n));
        return byLabel;
    }

    /** Counts from {@link #count} as a phrase: "3 extra digits, 0 missing digits, 12 wrong digits, 1 refused". */
    public static String describe(Map<String, Integer> counts) {
        StringBuilder phrase = new StringBuilder();
        counts.forEach((label, n) -> phrase.append(phrase.length() == 0 ? "" : ", ").append(n).append(' ')
                .append(label));
        return phrase.toString();
    }
}
