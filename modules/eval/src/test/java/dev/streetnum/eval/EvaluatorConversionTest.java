package dev.streetnum.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The two conversions the evaluator makes on its own: labels to text, OpenCV crops to pictures. */
class EvaluatorConversionTest {

    @Test
    void oneHotLabelsReadBackAsTheNumber() {
        // Row 0: "307" (length class 3); row 1: a ">5" number whose first five digits are 12345.
        INDArray[] labels = new INDArray[6];
        labels[0] = Nd4j.zeros(2, 7);
        labels[0].putScalar(0, 3, 1);
        labels[0].putScalar(1, 6, 1);
        int[][] digits = {{3, 0, 7, 0, 0}, {1, 2, 3, 4, 5}};
        for (int d = 0; d < 5; d++) {
            labels[1 + d] = Nd4j.zeros(2, 10);
            for (int row = 0; row < 2; row++) {
                labels[1 + d].putScalar(row, digits[row][d], 1);
            }
        }
        assertEquals("307", Evaluator.truthFromLabels(labels, 0));
        assertEquals("12345+", Evaluator.truthFromLabels(labels, 1));
    }

    @Test
    void bgrMatBecomesTheSamePixels() {
        try (Mat mat = new Mat(2, 3, opencv_core.CV_8UC3)) {
            byte[] bgr = new byte[2 * 3 * 3];
            for (int i = 0; i < bgr.length; i++) {
                bgr[i] = (byte) (10 * i + 5);
            }
            ((BytePointer) mat.data()).put(bgr);
            BufferedImage image = Evaluator.toImage(mat);
            for (int y = 0; y < 2; y++) {
                for (int x = 0; x < 3; x++) {
                    int o = (y * 3 + x) * 3;
                    int expected = ((bgr[o + 2] & 0xff) << 16) | ((bgr[o + 1] & 0xff) << 8) | (bgr[o] & 0xff);
                    assertEquals(expected, image.getRGB(x, y) & 0xffffff, "pixel " + x + "," + y);
                }
            }
        }
    }
}
