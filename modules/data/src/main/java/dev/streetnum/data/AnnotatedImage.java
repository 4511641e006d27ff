package dev.streetnum.data;

import java.nio.file.Path;
import java.util.List;

/**
 * A photo and its house number, one {@link DigitBox} per digit in reading order.
 *
 * @param targets null: the number is the truth and trains as one-hot labels; otherwise a teacher's
 *                distributions the photo trains towards, and the digits are its most probable reading
 *                (distillation, DESIGN sections 3a and 4)
 */
public record AnnotatedImage(Path file, List<DigitBox> digits, SoftTargets targets) {

    /** A photo labelled with the truth. */
    public AnnotatedImage(Path file, List<DigitBox> digits) {
        this(file, digits, null);
    }

    public AnnotatedImage {
        if (file == null) {
            throw new IllegalArgumentException("an annotated image needs a file");
        }
        if (digits == null || digits.isEmpty()) {
            throw new IllegalArgumentException("an annotated image needs at least one digit: " + file);
        }
        digits = List.copyOf(digits);
    }

    /** The same photo and reading, trained towards {@code targets}. */
    public AnnotatedImage withTargets(SoftTargets targets) {
        return new AnnotatedImage(file, digits, targets);
    }

    /** The number as text, e.g. "1849". */
    public String number() {
        StringBuilder s = new StringBuilder(digits.size());
        for (DigitBox d : digits) {
            s.append((char) ('0' + d.label()));
        }
        return s.toString();
    }

    public int length() {
        return digits.size();
    }

    /** The union of the digit boxes: the region {@link CropExpander} expands. */
    public Box region() {
        Box r = digits.get(0).box();
        for (int i = 1; i < digits.size(); i++) {
            r = r.union(digits.get(i).box());
        }
        return r;
    }
}
