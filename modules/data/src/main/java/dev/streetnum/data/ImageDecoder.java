package dev.streetnum.data;

import java.nio.file.Path;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Turns encoded images (PNG, JPEG; gray, alpha, 16-bit) into 8-bit 3-channel OpenCV matrices.
 * TODO(issue 3): implement. Every failure is a {@link DataException} naming the source.
 */
public final class ImageDecoder {

    private ImageDecoder() {
    }

    /** Decodes bytes; {@code source} names them in errors (a file name, "request body"). */
    public static Mat decode(byte[] encoded, String source) {
        throw new UnsupportedOperationException("issue 3");
    }

    public static Mat read(Path file) {
        throw new UnsupportedOperationException("issue 3");
    }
}
