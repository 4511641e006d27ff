package dev.streetnum.model;

import dev.streetnum.data.CropExpander;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A localizer's input: the whole photo (or a window of it) stretched to {@code width x height}, normalised
 * as the transcriber's input is ({@link CropExpander#normaliseWindow}). Wider than high suits house-number
 * photos, most of them two to three times as wide as high: a square input squeezes a wide photo's
 * digits to a few pixels across.
 *
 * @param width  input width in pixels
 * @param height input height in pixels
 */
public record LocalizerInput(int width, int height) {

    public LocalizerInput {
        if (width < 16 || width % 16 != 0 || height < 16 || height % 16 != 0) {
            throw new IllegalArgumentException("a localizer's input is a multiple of 16 pixels each way (four poolings"
                    + " halve it), at least 16; got " + width + "x" + height);
        }
    }

    /** Floats one input occupies: 3 x width x height. */
    public int size() {
        return 3 * width * height;
    }

    /** Writes the input for {@code image} (8-bit BGR) into {@code dst} at {@code offset}. */
    public void write(Mat image, float[] dst, int offset) {
        try (Mat stretched = CropExpander.resized(image, width, height)) {
            CropExpander.normaliseWindow(CropExpander.bytes(stretched), width, 0, 0, width, height, dst, offset);
        }
    }

    @Override
    public String toString() {
        return width + "x" + height;
    }
}
