package dev.streetnum.data;

/**
 * How a region becomes network input (DESIGN section 3).
 *
 * @param expansion how much to grow the region in width and in height around its centre (0.30 = 30%:
 *                  the paper's fix for crops that cut digits off)
 * @param resize    side of the square the expanded crop is resized to (64)
 * @param crop      side of the random (training) or centre (eval, serving) crop fed to the net (54)
 */
public record PreprocessConfig(double expansion, int resize, int crop) {

    public static final PreprocessConfig DEFAULT = new PreprocessConfig(0.30, 64, 54);

    public PreprocessConfig {
        if (!(expansion >= 0 && expansion <= 2)) {
            throw new IllegalArgumentException("expansion must be in [0, 2] (0.30 = 30%), got " + expansion);
        }
        if (resize < 8) {
            throw new IllegalArgumentException("resize must be at least 8 pixels, got " + resize);
        }
        if (crop < 1 || crop > resize) {
            throw new IllegalArgumentException("crop must be in [1, resize=" + resize + "], got " + crop);
        }
    }

    /** Channels of the network input (colour). */
    public int channels() {
        return 3;
    }
}
