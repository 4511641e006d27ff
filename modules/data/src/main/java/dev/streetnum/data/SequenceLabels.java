package dev.streetnum.data;

/**
 * The output encoding of DESIGN section 4: a length softmax over {0,1,2,3,4,5,">5"} and five digit
 * softmaxes. Defined once here because the data pipeline writes these labels and the model reads them.
 */
public final class SequenceLabels {

    /** Digit heads: the paper transcribes at most five digits. */
    public static final int MAX_DIGITS = 5;
    /** Length classes 0..5 plus ">5". */
    public static final int LENGTH_CLASSES = MAX_DIGITS + 2;
    /** The length class meaning "more than five digits: cannot transcribe". */
    public static final int OVERFLOW_CLASS = MAX_DIGITS + 1;
    public static final int DIGIT_CLASSES = 10;
    /** Heads in network output order: length, then digit1..digit5. */
    public static final int HEADS = 1 + MAX_DIGITS;

    private SequenceLabels() {
    }

    /** The length class of an n-digit number: n itself up to five, {@link #OVERFLOW_CLASS} beyond. */
    public static int lengthClass(int digits) {
        if (digits < 0) {
            throw new IllegalArgumentException("a number cannot have " + digits + " digits");
        }
        return Math.min(digits, OVERFLOW_CLASS);
    }
}
