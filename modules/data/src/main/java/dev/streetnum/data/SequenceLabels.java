package dev.streetnum.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The output encoding of DESIGN section 4: a length softmax over {0,1,2,3,4,5,">5"} and five digit
 * softmaxes. Defined once here, encoder and decoder, because the data pipeline writes these labels,
 * the model's tests and gradient checks build them, and the evaluator reads them back.
 *
 * <p>The layout, in head order: length one-hot [mb,7] (class n for n digits up to 5, class 6 = ">5"),
 * then digit1..digit5 one-hot [mb,10]; a digit head past the number's length is all zeros. Label masks
 * [mb,1] per head: the length head's are all ones; digit head i (0-based) has 1 iff i &lt; min(n,5), so
 * heads past the length get no gradient. A row trained towards a teacher's {@link SoftTargets} holds its
 * distributions instead, its digit heads masked where the teacher expects no digit.
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
    /** What {@link #decode} appends to a ">5" label's five known digits, so it never equals an answer. */
    public static final char OVERFLOW_MARK = '+';

    private SequenceLabels() {
    }

    /** The length class of an n-digit number: n itself up to five, {@link #OVERFLOW_CLASS} beyond. */
    public static int lengthClass(int digits) {
        if (digits < 0) {
            throw new IllegalArgumentException("a number cannot have " + digits + " digits");
        }
        return Math.min(digits, OVERFLOW_CLASS);
    }

    /**
     * One minibatch's labels and masks, filled row by row in plain arrays (safe on worker threads, no
     * ND4J state), then made into arrays on the consumer's thread.
     */
    public static final class Rows {
        private final int size;
        private final float[] length;
        /** 1 for a row given a label; a row never given one is masked out of every head (it teaches nothing). */
        private final float[] labelled;
        private final float[][] digits = new float[MAX_DIGITS][];
        private final float[][] masks = new float[MAX_DIGITS][];

        public Rows(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("a minibatch has at least one row, got " + size);
            }
            this.size = size;
            this.length = new float[size * LENGTH_CLASSES];
            this.labelled = new float[size];
            for (int i = 0; i < MAX_DIGITS; i++) {
                digits[i] = new float[size * DIGIT_CLASSES];
                masks[i] = new float[size];
            }
        }

        /** Row {@code row} labels the number whose digits (0-9, reading order) are given. */
        public void put(int row, int[] number) {
            if (row < 0 || row >= size) {
                throw new IndexOutOfBoundsException("row " + row + " of a " + size + "-row minibatch");
            }
            length[row * LENGTH_CLASSES + lengthClass(number.length)] = 1f;
            labelled[row] = 1f;
            for (int i = 0; i < Math.min(number.length, MAX_DIGITS); i++) {
                if (number[i] < 0 || number[i] >= DIGIT_CLASSES) {
                    throw new IllegalArgumentException("a digit is 0-9, got " + number[i]);
                }
                digits[i][row * DIGIT_CLASSES + number[i]] = 1f;
                masks[i][row] = 1f;
            }
        }

        /**
         * Row {@code row} is trained towards a teacher's distributions: each head's label is its
         * distribution; digit head i's mask is 1 when the teacher expects that digit ({@link SoftTargets#hasDigit}).
         */
        public void put(int row, SoftTargets targets) {
            if (row < 0 || row >= size) {
                throw new IndexOutOfBoundsException("row " + row + " of a " + size + "-row minibatch");
            }
            System.arraycopy(targets.head(0), 0, length, row * LENGTH_CLASSES, LENGTH_CLASSES);
            labelled[row] = 1f;
            for (int i = 0; i < MAX_DIGITS; i++) {
                System.arraycopy(targets.head(1 + i), 0, digits[i], row * DIGIT_CLASSES, DIGIT_CLASSES);
                masks[i][row] = targets.hasDigit(i) ? 1f : 0f;
            }
        }

        /** How many rows were given a label. */
        public int labelledRows() {
            int n = 0;
            for (float l : labelled) {
                n += (int) l;
            }
            return n;
        }

        /** The six label arrays in head order. */
        public INDArray[] labels(DataType type) {
            INDArray[] out = new INDArray[HEADS];
            out[0] = Nd4j.create(length, new long[] {size, LENGTH_CLASSES}, 'c').castTo(type);
            for (int i = 0; i < MAX_DIGITS; i++) {
                out[1 + i] = Nd4j.create(digits[i], new long[] {size, DIGIT_CLASSES}, 'c').castTo(type);
            }
            return out;
        }

        /** The six label-mask arrays in head order. */
        public INDArray[] masks(DataType type) {
            INDArray[] out = new INDArray[HEADS];
            out[0] = Nd4j.create(labelled, new long[] {size, 1}, 'c').castTo(type);
            for (int i = 0; i < MAX_DIGITS; i++) {
                out[1 + i] = Nd4j.create(masks[i], new long[] {size, 1}, 'c').castTo(type);
            }
            return out;
        }
    }

    /**
     * The number row {@code row} of {@code labels} encodes. A ">5" label only carries its first five
     * digits: {@link #OVERFLOW_MARK} makes it six characters long, so it is the ">5" class and never
     * equals an answer.
     */
    public static String decode(INDArray[] labels, int row) {
        int lengthClass = labels[0].getRow(row).argMax().getInt(0);
        int shown = Math.min(lengthClass, MAX_DIGITS);
        StringBuilder number = new StringBuilder();
        for (int d = 0; d < shown; d++) {
            number.append((char) ('0' + labels[1 + d].getRow(row).argMax().getInt(0)));
        }
        if (lengthClass == OVERFLOW_CLASS) {
            number.append(OVERFLOW_MARK);
        }
        return number.toString();
    }
}
