package dev.streetnum.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class SequenceLabelsTest {

    @Test
    void encodesTheLayoutByHandAndDecodesItBack() {
        SequenceLabels.Rows rows = new SequenceLabels.Rows(3);
        rows.put(0, new int[] {3, 0, 7});
        rows.put(1, new int[] {1, 2, 3, 4, 5, 6, 7});
        rows.put(2, new int[] {9});
        INDArray[] labels = rows.labels(DataType.FLOAT);
        INDArray[] masks = rows.masks(DataType.FLOAT);
        assertEquals(6, labels.length);
        assertEquals(1f, labels[0].getFloat(0, 3));
        assertEquals(1f, labels[0].getFloat(1, 6), "more than five digits is the >5 class");
        assertEquals(1f, labels[0].sumNumber().floatValue() / 3, "one length class per row");
        assertEquals(1f, labels[3].getFloat(0, 7), "third digit of 307");
        assertEquals(0f, labels[4].getRow(0).sumNumber().floatValue(), "no fourth digit: all zeros");
        assertEquals(1f, labels[5].getFloat(1, 5), "a >5 number labels its first five digits");
        float[][] expectedMasks = {{1, 1, 1}, {1, 1, 1}, {1, 1, 0}, {1, 1, 0}, {0, 1, 0}, {0, 1, 0}};
        for (int head = 0; head < 6; head++) {
            for (int row = 0; row < 3; row++) {
                assertEquals(expectedMasks[head][row], masks[head].getFloat(row, 0), "mask head " + head + " row " + row);
            }
        }
        assertEquals("307", SequenceLabels.decode(labels, 0));
        assertEquals("12345+", SequenceLabels.decode(labels, 1));
        assertEquals("9", SequenceLabels.decode(labels, 2));
    }

    @Test
    void aRowNeverGivenALabelIsMaskedOutOfEveryHead() {
        SequenceLabels.Rows rows = new SequenceLabels.Rows(2);
        rows.put(1, new int[] {4, 2});
        INDArray[] masks = rows.masks(DataType.FLOAT);
        for (int head = 0; head < 6; head++) {
            assertEquals(0f, masks[head].getFloat(0, 0), "row 0 was given no label: head " + head + " masked");
        }
        assertEquals(1f, masks[0].getFloat(1, 0), "row 1's length head is trained");
        assertEquals(1f, masks[2].getFloat(1, 0), "and its second digit");
        assertEquals(0f, masks[3].getFloat(1, 0), "but not a third");
    }

    @Test
    void badDigitsAndRowsAreRefused() {
        SequenceLabels.Rows rows = new SequenceLabels.Rows(1);
        assertThrows(IllegalArgumentException.class, () -> rows.put(0, new int[] {10}));
        assertThrows(IndexOutOfBoundsException.class, () -> rows.put(1, new int[] {1}));
    }
}
