package dev.streetnum.data;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import org.bytedeco.opencv.opencv_core.Mat;

/** OpenCV's 8-bit BGR matrices as Java2D images, for the pictures people look at (sample and review sheets). */
public final class Java2dImage {

    private Java2dImage() {
    }

    /** An 8-bit 3-channel BGR matrix as a Java image (same byte order, so one copy). */
    public static BufferedImage of(Mat bgr) {
        if (bgr.channels() != 3 || bgr.depth() != org.bytedeco.opencv.global.opencv_core.CV_8U) {
            throw new IllegalArgumentException("expected an 8-bit 3-channel image, got " + bgr.channels()
                    + " channels of depth " + bgr.depth());
        }
        try (Mat continuous = bgr.isContinuous() ? new Mat(bgr) : bgr.clone()) {
            BufferedImage image = new BufferedImage(bgr.cols(), bgr.rows(), BufferedImage.TYPE_3BYTE_BGR);
            byte[] pixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
            continuous.data().get(pixels);
            return image;
        }
    }
}
