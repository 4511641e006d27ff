package dev.streetnum.data;

import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_ANYCOLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_ANYDEPTH;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGRA2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Turns encoded images (PNG, JPEG; gray, alpha, 16-bit) into 8-bit 3-channel BGR OpenCV matrices,
 * upright: a JPEG's EXIF orientation is applied. Every failure is a {@link DataException} naming the
 * source.
 */
public final class ImageDecoder {

    /** The file names taken as photos where a folder's images are listed, not named one by one (a glob). */
    public static final String IMAGE_GLOB = "*.{png,PNG,jpg,JPG,jpeg,JPEG}";
    private static final PathMatcher IMAGE_NAMES = FileSystems.getDefault().getPathMatcher("glob:" + IMAGE_GLOB);

    /** Whether {@code file} is a regular file whose name {@link #IMAGE_GLOB} takes. */
    public static boolean isImageFile(Path file) {
        return Files.isRegularFile(file) && IMAGE_NAMES.matches(file.getFileName());
    }

    /** 16-bit samples map to 8-bit by dividing by 257 (65535 -> 255), not by keeping the high byte. */
    private static final double SIXTEEN_TO_EIGHT_BIT = 1.0 / 257.0;
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final byte[] PNG_IEND = {'I', 'E', 'N', 'D'};

    private ImageDecoder() {
    }

    /** Width and height read from an image header. */
    public record Dimensions(int width, int height) {
    }

    /**
     * Decodes bytes; {@code source} names them in errors (a file name, "request body"). A JPEG's EXIF
     * orientation is applied (a phone stores a portrait photo sideways and says so there), so the result
     * is the photo as browsers, galleries and annotation tools show it, and a box drawn on that view
     * lands on the same digits here. Alpha is
     * dropped (street photos have none; a transparent PNG keeps its colour channels). The caller owns
     * (and closes) the result; every intermediate is released here, on errors too, so that a large
     * photo's native memory does not wait for a garbage collection.
     */
    public static Mat decode(byte[] encoded, String source) {
        if (encoded == null || encoded.length == 0) {
            throw new DataException(source + ": empty, not an image");
        }
        // OpenCV decodes a truncated JPEG with only a warning, filling the rest with grey: catch it here.
        requireComplete(encoded, source);
        Mat current;
        try (Mat buffer = new Mat(1, encoded.length, CV_8UC1)) {
            buffer.data().put(encoded);
            // Not IMREAD_UNCHANGED: OpenCV applies the EXIF orientation under every other flag; these two
            // keep 16-bit samples (scaled below) and gray as gray, and drop alpha in the decoder.
            current = imdecode(buffer, IMREAD_ANYDEPTH | IMREAD_ANYCOLOR);
        }
        try {
            if (current == null || current.empty()) {
                throw new DataException(source + ": not a decodable PNG or JPEG image (" + encoded.length + " bytes)");
            }
            if (current.depth() != CV_8U) {
                Mat eightBit = new Mat();
                current.convertTo(eightBit, CV_8U, SIXTEEN_TO_EIGHT_BIT, 0);
                current = replace(current, eightBit);
            }
            if (current.channels() == 1 || current.channels() == 4) {
                Mat bgr = new Mat();
                cvtColor(current, bgr, current.channels() == 1 ? COLOR_GRAY2BGR : COLOR_BGRA2BGR);
                current = replace(current, bgr);
            } else if (current.channels() != 3) {
                throw new DataException(source + ": unsupported image with " + current.channels() + " channels");
            }
            Mat result = current;
            current = null;
            return result;
        } finally {
            if (current != null) {
                current.close();
            }
        }
    }

    /**
     * Decodes a photo sent with a caller's box ({@code region}, or null for none) and checks the box
     * against the upright photo ({@link Box#requireTouches}): the one way the service, {@code transcribe}
     * and the batch job take a photo and its box. Nothing is left open when the box is refused.
     */
    public static Mat decode(byte[] encoded, Box region, String source) {
        Mat photo = decode(encoded, source);
        if (region != null) {
            try {
                region.requireTouches(photo.cols(), photo.rows(), source);
            } catch (DataException e) {
                photo.close();
                throw e;
            }
        }
        return photo;
    }

    private static Mat replace(Mat old, Mat next) {
        old.close();
        return next;
    }

    public static Mat read(Path file) {
        return decode(readBytes(file), file.toString());
    }

    /** The file's bytes, or a {@link DataException} naming it. */
    public static byte[] readBytes(Path file) {
        if (Files.isDirectory(file)) {
            throw new DataException(file + " is a folder, not an image: name its images (" + file.resolve("*.png") + ")");
        }
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DataException("image file not found: " + file);
        } catch (IOException e) {
            throw new DataException("cannot read image file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Width and height from a PNG or JPEG header without decoding the pixels, so a service can refuse
     * a decompression bomb before allocating it. They are the stored ones: an EXIF orientation may swap
     * them in the decoded (upright) image, so check a box against {@link #decode}'s result.
     */
    public static Dimensions dimensions(byte[] encoded, String source) {
        if (isPng(encoded)) {
            if (encoded.length < 24) {
                throw new DataException(source + ": PNG header is truncated");
            }
            return new Dimensions(bigEndianInt(encoded, 16), bigEndianInt(encoded, 20));
        }
        if (isJpeg(encoded)) {
            return jpegDimensions(encoded, source);
        }
        throw new DataException(source + ": not a PNG or JPEG image");
    }

    private static Dimensions jpegDimensions(byte[] b, String source) {
        int i = 2;
        while (i + 9 < b.length) {
            if ((b[i] & 0xff) != 0xff) {
                throw new DataException(source + ": corrupt JPEG header at byte " + i);
            }
            int marker = b[i + 1] & 0xff;
            if (marker == 0xff) {
                i++; // fill byte
                continue;
            }
            // Start-of-frame markers C0-CF carry the size, except DHT (C4), JPG (C8) and DAC (CC).
            if (marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc) {
                int height = ((b[i + 5] & 0xff) << 8) | (b[i + 6] & 0xff);
                int width = ((b[i + 7] & 0xff) << 8) | (b[i + 8] & 0xff);
                return new Dimensions(width, height);
            }
            int segment = ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
            i += 2 + segment;
        }
        throw new DataException(source + ": JPEG header has no frame size (truncated?)");
    }

    private static void requireComplete(byte[] b, String source) {
        if (isPng(b)) {
            if (lastIndexOf(b, PNG_IEND) < 0) {
                throw new DataException(source + ": truncated PNG (no IEND chunk)");
            }
        } else if (isJpeg(b) && !hasEndAfterScan(b)) {
            throw new DataException(source + ": truncated JPEG (no end-of-image marker after the image data)");
        }
    }

    /**
     * Whether an end-of-image marker (FF D9) follows the first start-of-scan. Inside scan data FF is
     * always followed by 00 or a restart marker, so FF D9 there is the real end; before the scan an
     * EXIF thumbnail may hold its own end marker, which must not count. Trailing bytes after the end are
     * allowed (some cameras write them).
     */
    private static boolean hasEndAfterScan(byte[] b) {
        int i = 2;
        while (i + 3 < b.length) {
            if ((b[i] & 0xff) != 0xff) {
                return false;
            }
            int marker = b[i + 1] & 0xff;
            if (marker == 0xff) {
                i++;
                continue;
            }
            if (marker == 0xda) {
                break;
            }
            i += 2 + (((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff));
        }
        for (int j = i + 2; j + 1 < b.length; j++) {
            if ((b[j] & 0xff) == 0xff && (b[j + 1] & 0xff) == 0xd9) {
                return true;
            }
        }
        return false;
    }

    private static int lastIndexOf(byte[] b, byte[] pattern) {
        // IEND is the last chunk: searching from the end finds it in a few steps.
        for (int i = b.length - pattern.length; i >= 0; i--) {
            boolean match = true;
            for (int j = 0; j < pattern.length && match; j++) {
                match = b[i + j] == pattern[j];
            }
            if (match) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isPng(byte[] b) {
        if (b.length < PNG_SIGNATURE.length) {
            return false;
        }
        for (int i = 0; i < PNG_SIGNATURE.length; i++) {
            if (b[i] != PNG_SIGNATURE[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isJpeg(byte[] b) {
        return b.length >= 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 && (b[2] & 0xff) == 0xff;
    }

    private static int bigEndianInt(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }
}
