package dev.streetnum.serve;

import static dev.streetnum.serve.TranscriptionFailure.Kind.BAD_IMAGE;
import static dev.streetnum.serve.TranscriptionFailure.Kind.TOO_LARGE;

import dev.streetnum.data.Box;
import dev.streetnum.data.DataException;
import dev.streetnum.data.ImageDecoder;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * One image as a client sent it: PNG or JPEG bytes, an optional detector box, and a name for errors.
 *
 * @param bytes  the encoded image
 * @param region the detector's box, or null for the whole image
 * @param source names the image in errors: "request body", "images[2]", a file name
 */
public record EncodedImage(byte[] bytes, Box region, String source) {

    public EncodedImage {
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("an encoded image needs a source name for its errors");
        }
        if (bytes == null || bytes.length == 0) {
            throw new TranscriptionFailure(BAD_IMAGE, source + " is empty: expected PNG or JPEG bytes");
        }
    }

    /**
     * Checks the header (format, size) without decoding, then decodes to 8-bit BGR, upright, through
     * the same decoder the evaluator uses, and checks the box against that upright image (a JPEG's EXIF
     * orientation may swap the header's width and height).
     *
     * @throws TranscriptionFailure too large beyond {@code maxPixels}; a bad image when undecodable or the box
     *                             misses the image
     */
    public Mat decode(long maxPixels) {
        try {
            ImageDecoder.Dimensions size = ImageDecoder.dimensions(bytes, source);
            long width = size.width();
            long height = size.height();
            if (width <= 0 || height <= 0) {
                throw new TranscriptionFailure(BAD_IMAGE, source + " declares an empty " + width + "x" + height + " image");
            }
            if (width * height > maxPixels) {
                throw new TranscriptionFailure(TOO_LARGE, source + " is " + width + "x" + height + " = " + width * height
                        + " pixels, more than the limit of " + maxPixels);
            }
            return ImageDecoder.decode(bytes, region, source);
        } catch (DataException e) {
            throw new TranscriptionFailure(BAD_IMAGE, e.getMessage());
        }
    }
}
