package dev.streetnum.data;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;

/** JPEGs carrying an EXIF orientation, as a phone writes them, built byte by byte for tests. */
public final class ExifJpeg {

    private ExifJpeg() {
    }

    /**
     * {@code stored} encoded as a JPEG (OpenCV writes no EXIF) with an APP1 Exif segment inserted after
     * the start-of-image marker: a big-endian TIFF header and one IFD holding the Orientation tag (0x0112,
     * SHORT) set to {@code orientation}.
     */
    public static byte[] of(Mat stored, int orientation) {
        BytePointer out = new BytePointer();
        assertTrue(opencv_imgcodecs.imencode(".jpg", stored, out));
        byte[] jpeg = new byte[(int) out.limit()];
        out.get(jpeg);
        byte[] tiff = {'M', 'M', 0, 42, 0, 0, 0, 8, // byte order, magic, offset of IFD0
            0, 1,                                    // one entry
            0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0, // Orientation, SHORT, count 1
            0, 0, 0, 0};                             // no next IFD
        ByteArrayOutputStream result = new ByteArrayOutputStream();
        result.write(jpeg, 0, 2);
        int length = 2 + 6 + tiff.length;
        result.write(0xff);
        result.write(0xe1);
        result.write(length >> 8);
        result.write(length & 0xff);
        result.writeBytes(new byte[] {'E', 'x', 'i', 'f', 0, 0});
        result.writeBytes(tiff);
        result.write(jpeg, 2, jpeg.length - 2);
        return result.toByteArray();
    }
}
