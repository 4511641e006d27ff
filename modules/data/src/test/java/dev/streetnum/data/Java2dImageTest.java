package dev.streetnum.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/** OpenCV crops to pictures: the same pixels, in the right byte order. */
class Java2dImageTest {

    @Test
    void bgrMatBecomesTheSamePixels() {
        try (Mat mat = new Mat(2, 3, opencv_core.CV_8UC3)) {
            byte[] bgr = new byte[2 * 3 * 3];
            for (int i = 0; i < bgr.length; i++) {
                bgr[i] = (byte) (10 * i + 5);
            }
            ((BytePointer) mat.data()).put(bgr);
            BufferedImage image = Java2dImage.of(mat);
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
