package dev.streetnum.data;

import static org.bytedeco.opencv.global.opencv_core.CV_16UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.ShortPointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {

    static byte[] encode(String ext, Mat m) {
        BytePointer out = new BytePointer();
        assertTrue(opencv_imgcodecs.imencode(ext, m, out));
        byte[] b = new byte[(int) out.limit()];
        out.get(b);
        return b;
    }

    static int[] pixel(Mat bgr, int x, int y) {
        byte[] b = new byte[3];
        bgr.ptr(y, x).get(b);
        return new int[] {b[0] & 0xff, b[1] & 0xff, b[2] & 0xff};
    }

    @Test
    void grayscalePngBecomesThreeEqualChannels() {
        Mat gray = new Mat(3, 5, CV_8UC1);
        byte[] values = new byte[15];
        for (int i = 0; i < 15; i++) {
            values[i] = (byte) (i * 17);
        }
        gray.data().put(values);
        Mat bgr = ImageDecoder.decode(encode(".png", gray), "gray.png");
        assertEquals(CV_8UC3, bgr.type());
        assertEquals(7 * 17, pixel(bgr, 2, 1)[1]); // row 1, column 2 = index 7
        assertEquals(Arrays.toString(new int[] {119, 119, 119}), Arrays.toString(pixel(bgr, 2, 1)));
    }

    @Test
    void alphaIsDroppedAndColoursKept() {
        Mat bgra = new Mat(2, 2, CV_8UC4);
        byte[] v = new byte[16];
        for (int i = 0; i < 4; i++) {
            v[4 * i] = 10;
            v[4 * i + 1] = 20;
            v[4 * i + 2] = 30;
            v[4 * i + 3] = (byte) (i * 80); // varying transparency
        }
        bgra.data().put(v);
        Mat bgr = ImageDecoder.decode(encode(".png", bgra), "alpha.png");
        assertEquals(CV_8UC3, bgr.type());
        assertEquals("[10, 20, 30]", Arrays.toString(pixel(bgr, 1, 1)));
    }

    @Test
    void sixteenBitPngScalesTo8Bit() {
        Mat deep = new Mat(1, 3, CV_16UC1);
        short[] v = {0, (short) 65535, (short) (257 * 100)};
        new ShortPointer(deep.data()).put(v);
        Mat bgr = ImageDecoder.decode(encode(".png", deep), "deep.png");
        assertEquals(CV_8UC3, bgr.type());
        assertEquals(0, pixel(bgr, 0, 0)[0]);
        assertEquals(255, pixel(bgr, 1, 0)[2]);
        assertEquals(100, pixel(bgr, 2, 0)[1]); // 25700 / 257
    }

    @Test
    void jpegDecodesToNearlyTheSameColour() {
        Mat flat = new Mat(16, 16, CV_8UC3, new org.bytedeco.opencv.opencv_core.Scalar(40, 120, 200, 0));
        Mat bgr = ImageDecoder.decode(encode(".jpg", flat), "flat.jpg");
        int[] p = pixel(bgr, 8, 8);
        assertTrue(Math.abs(p[0] - 40) <= 3 && Math.abs(p[1] - 120) <= 3 && Math.abs(p[2] - 200) <= 3, Arrays.toString(p));
        // Bytes after the end marker (some cameras write them) are not truncation.
        byte[] jpeg = encode(".jpg", flat);
        byte[] trailing = Arrays.copyOf(jpeg, jpeg.length + 5);
        trailing[jpeg.length] = 7;
        assertEquals(16, ImageDecoder.decode(trailing, "trailing.jpg").cols());
    }

    /**
     * Where the EXIF specification's orientation {@code o} puts a stored pixel (x, y) of a w x h image
     * in the upright view (written from the tag's definitions, apart from OpenCV): 2 mirrors, 3 turns
     * half round, 4 flips, 5 transposes, 6 turns a quarter clockwise, 7 transposes the other way, 8
     * turns a quarter anticlockwise.
     */
    private static int[] upright(int o, int x, int y, int w, int h) {
        return switch (o) {
            case 1 -> new int[] {x, y};
            case 2 -> new int[] {w - 1 - x, y};
            case 3 -> new int[] {w - 1 - x, h - 1 - y};
            case 4 -> new int[] {x, h - 1 - y};
            case 5 -> new int[] {y, x};
            case 6 -> new int[] {h - 1 - y, x};
            case 7 -> new int[] {h - 1 - y, w - 1 - x};
            case 8 -> new int[] {y, w - 1 - x};
            default -> throw new IllegalArgumentException("orientation " + o);
        };
    }

    @Test
    void jpegIsTurnedUprightByItsExifOrientation() {
        int w = 48;
        int h = 24;
        // Black, with a white 8x8 block whose centre is stored at (6, 6), near the top left corner.
        Mat stored = new Mat(h, w, CV_8UC3, new org.bytedeco.opencv.opencv_core.Scalar(0, 0, 0, 0));
        new Mat(8, 8, CV_8UC3, new org.bytedeco.opencv.opencv_core.Scalar(255, 255, 255, 0))
                .copyTo(stored.apply(new org.bytedeco.opencv.opencv_core.Rect(2, 2, 8, 8)));
        int[][] storedCorners = {{6, 6}, {w - 7, 6}, {6, h - 7}, {w - 7, h - 7}};
        for (int o = 1; o <= 8; o++) {
            Mat bgr = ImageDecoder.decode(ExifJpeg.of(stored, o), "exif-" + o + ".jpg");
            boolean turned = o >= 5;
            assertEquals(turned ? h : w, bgr.cols(), "orientation " + o);
            assertEquals(turned ? w : h, bgr.rows(), "orientation " + o);
            for (int c = 0; c < storedCorners.length; c++) {
                int[] at = upright(o, storedCorners[c][0], storedCorners[c][1], w, h);
                int value = pixel(bgr, at[0], at[1])[1];
                if (c == 0) {
                    assertTrue(value > 200, "orientation " + o + ": the block belongs at " + Arrays.toString(at) + ", found " + value);
                } else {
                    assertTrue(value < 50, "orientation " + o + ": corner " + Arrays.toString(at) + " should stay black, found " + value);
                }
            }
            // The header keeps the stored size; only the product bounds a request (EncodedImage checks
            // a box against the decoded image).
            ImageDecoder.Dimensions header = ImageDecoder.dimensions(ExifJpeg.of(stored, o), "exif.jpg");
            assertEquals((long) w * h, (long) header.width() * header.height());
        }
    }

    @Test
    void headerDimensionsMatchDecodedSize() {
        Mat m = new Mat(37, 91, CV_8UC3, new org.bytedeco.opencv.opencv_core.Scalar(1, 2, 3, 0));
        for (String ext : new String[] {".png", ".jpg"}) {
            byte[] bytes = encode(ext, m);
            ImageDecoder.Dimensions d = ImageDecoder.dimensions(bytes, "x" + ext);
            Mat decoded = ImageDecoder.decode(bytes, "x" + ext);
            assertEquals(decoded.cols(), d.width(), ext);
            assertEquals(decoded.rows(), d.height(), ext);
            assertEquals(91, d.width());
            assertEquals(37, d.height());
        }
    }

    @Test
    void truncatedAndForeignBytesAreErrorsNamingTheSource() {
        Mat m = new Mat(20, 20, CV_8UC3, new org.bytedeco.opencv.opencv_core.Scalar(9, 9, 9, 0));
        for (String ext : new String[] {".png", ".jpg"}) {
            byte[] whole = encode(ext, m);
            byte[] cut = Arrays.copyOf(whole, whole.length / 2);
            DataException e = assertThrows(DataException.class, () -> ImageDecoder.decode(cut, "cut" + ext));
            assertTrue(e.getMessage().contains("cut" + ext) && e.getMessage().contains("truncated"), e.getMessage());
        }
        DataException e = assertThrows(DataException.class,
                () -> ImageDecoder.decode("hello, not an image".getBytes(), "body"));
        assertTrue(e.getMessage().startsWith("body:"), e.getMessage());
        assertThrows(DataException.class, () -> ImageDecoder.dimensions(new byte[] {1, 2, 3}, "three bytes"));
        DataException missing = assertThrows(DataException.class,
                () -> ImageDecoder.read(java.nio.file.Path.of("no-such-image.png")));
        assertTrue(missing.getMessage().contains("no-such-image.png"));
    }

    @Test
    void aFolderIsNamedAsOneNotReadAsAnImage(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        DataException e = assertThrows(DataException.class, () -> ImageDecoder.read(dir));
        assertEquals(dir + " is a folder, not an image: name its images (" + dir.resolve("*.png") + ")", e.getMessage());
    }
}
