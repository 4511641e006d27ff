package dev.streetnum.data;

/** One digit of a house number and where it stands in the photo. */
public record DigitBox(int label, Box box) {

    public DigitBox {
        if (label < 0 || label > 9) {
            throw new IllegalArgumentException("a digit label is 0-9, got " + label);
        }
        if (box == null) {
            throw new IllegalArgumentException("a digit needs a box");
        }
    }
}
