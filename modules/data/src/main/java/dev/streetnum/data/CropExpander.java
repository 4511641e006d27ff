package dev.streetnum.data;

import java.util.Random;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * DESIGN section 3, the one preprocessing path for training, evaluation and serving: expand the
 * region ~30% around its centre, cut it out with border-replicate padding, resize to 64x64, take a
 * random (training) or centre (eval/serve) 54x54 crop, subtract the image's own per-channel mean and
 * scale; RGB, CHW float. TODO(issue 3): implement.
 */
public final class CropExpander {

    private final PreprocessConfig config;

    public CropExpander(PreprocessConfig config) {
        this.config = config;
    }

    public PreprocessConfig config() {
        return config;
    }

    /** The region grown by {@code expansion} in width and height around its centre. */
    public Box expand(Box region) {
        throw new UnsupportedOperationException("issue 3");
    }

    /** The expanded region cut out (border-replicated where it leaves the image) and resized: 8-bit BGR. */
    public Mat expandedCrop(Mat image, Box region) {
        throw new UnsupportedOperationException("issue 3");
    }

    /**
     * Writes the network input for one image into {@code dst} at {@code offset}: 3 x crop x crop floats.
     *
     * @param region the digits' union box or a detector's box; null means the whole image
     * @param random source of the random crop offset (training); null takes the centre crop
     */
    public void preprocess(Mat image, Box region, Random random, float[] dst, int offset) {
        throw new UnsupportedOperationException("issue 3");
    }

    /** Floats one preprocessed image occupies. */
    public int inputSize() {
        return config.channels() * config.crop() * config.crop();
    }
}
