package dev.streetnum.serve;

import dev.streetnum.data.Box;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
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
            throw ServiceError.badRequest(source + " is empty: expected PNG or JPEG bytes");
        }
    }

    /**
     * Checks the header (format, size, box) and decodes to 8-bit BGR through the same decoder the
     * evaluator uses.
     *
     * @throws ServiceError 413 beyond {@code maxPixels}; 400 when undecodable or the box misses the image
     */
    public Mat decode(long maxPixels) {
        ImageHeader header = ImageHeader.read(bytes, source);
        if (header.pixels() > maxPixels) {
            throw ServiceError.tooLarge(source + " is " + header.width() + "x" + header.height() + " = "
                    + header.pixels() + " pixels, more than the limit of " + maxPixels);
        }
        if (region != null && (region.right() <= 0 || region.bottom() <= 0
                || region.left() >= header.width() || region.top() >= header.height())) {
            throw ServiceError.badRequest("box " + region + " (left,top,width,height) lies outside the "
                    + header.width() + "x" + header.height() + " image " + source);
        }
        // TODO(issue 3 landing): ImageDecoder.decode(bytes, source), the evaluator's decoder.
        Mat image = opencv_imgcodecs.imdecode(new Mat(new BytePointer(bytes)), opencv_imgcodecs.IMREAD_COLOR);
        if (image == null || image.empty()) {
            throw ServiceError.badRequest(source + " could not be decoded as " + header.format());
        }
        return image;
    }
}
