package dev.streetnum.serve;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import dev.streetnum.data.Box;
import dev.streetnum.data.CropExpander;
import dev.streetnum.model.Transcription;
import java.util.Base64;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Why the service answered as it did, for people (the service's page) rather than machines: what
 * {@code POST /v1/transcribe?explain=true} adds to an answer. The regions come from the same
 * {@link CropExpander} the model's input came from, so a client draws them without knowing the
 * expansion rule.
 *
 * @param crop               the {@code 54x54} pixels the network read (the centre crop of the resized
 *                           expanded region, before normalisation) as a {@code data:image/png;base64,} URL
 * @param digitProbabilities each digit head's softmax, 5 x 10: row i is P(s_i = 0..9 | x)
 * @param box                the box the crop was taken around, or null when the whole image was the region
 * @param expandedRegion     the pixels cut out: {@code box} expanded around its centre, or the whole image;
 *                           it may extend past the image (the border is replicated there)
 * @param imageWidth         the decoded image's width in pixels
 * @param imageHeight        the decoded image's height in pixels
 */
public record Explanation(
        String crop,
        double[][] digitProbabilities,
        Box box,
        Box expandedRegion,
        int imageWidth,
        int imageHeight) {

    static final String PNG_DATA_URL = "data:image/png;base64,";

    /**
     * @param image         the decoded image the model was given (8-bit BGR)
     * @param box           the box the model's input was cut around, null for the whole image
     * @param expander      the model's preprocessing
     * @param transcription the model's answer for that input
     */
    public static Explanation of(Mat image, Box box, CropExpander expander, Transcription transcription) {
        try (Mat crop = expander.centreCrop(image, box)) {
            return new Explanation(PNG_DATA_URL + Base64.getEncoder().encodeToString(png(crop)),
                    transcription.digitProbabilities(), box, expander.cutRegion(image.cols(), image.rows(), box),
                    image.cols(), image.rows());
        }
    }

    private static byte[] png(Mat bgr) {
        try (BytePointer encoded = new BytePointer()) {
            if (!imencode(".png", bgr, encoded)) {
                throw new IllegalStateException("OpenCV could not encode a " + bgr.cols() + "x" + bgr.rows()
                        + " crop as PNG");
            }
            byte[] bytes = new byte[(int) encoded.limit()];
            encoded.get(bytes);
            return bytes;
        }
    }
}
