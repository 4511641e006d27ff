package dev.streetnum.model;

import dev.streetnum.data.Box;

/**
 * How the localizer's four outputs describe a box, relative to the photo so that the stretched network
 * input does not matter: centre x / photo width, centre y / photo height, ln(box width / photo width),
 * ln(box height / photo height). Logs make a 10-pixel error on a small number cost more than on a large one.
 */
public final class BoxEncoding {

    /** Values per box. */
    public static final int VALUES = 4;
    /** The encoding's name, stored with a trained localizer. */
    public static final String NAME = "centre-x/W, centre-y/H, ln(w/W), ln(h/H)";
    /** The smallest log relative side a box is read at: e^-8 of its photo, far below a pixel of any photo here. */
    static final double MIN_LOG_SIZE = -8;

    private BoxEncoding() {
    }

    /** The four target values of {@code box} in a {@code width x height} photo. */
    public static float[] encode(Box box, int width, int height) {
        return new float[] {
                (float) ((box.left() + box.width() / 2.0) / width),
                (float) ((box.top() + box.height() / 2.0) / height),
                (float) Math.log(box.width() / (double) width),
                (float) Math.log(box.height() / (double) height)};
    }

    /**
     * The pixel box four values describe in a {@code width x height} photo, clipped to the photo (a
     * caller's box may leave it, a predicted one has no reason to) and at least one pixel wide and high.
     */
    public static Box decode(double cx, double cy, double logWidth, double logHeight, int width, int height) {
        if (!Double.isFinite(cx) || !Double.isFinite(cy)) {
            cx = 0.5;
            cy = 0.5;
        }
        double w = Math.exp(clampLog(logWidth)) * width;
        double h = Math.exp(clampLog(logHeight)) * height;
        double x0 = Math.max(0, cx * width - w / 2);
        double y0 = Math.max(0, cy * height - h / 2);
        double x1 = Math.min(width, cx * width + w / 2);
        double y1 = Math.min(height, cy * height + h / 2);
        int left = (int) Math.round(Math.min(x0, width - 1));
        int top = (int) Math.round(Math.min(y0, height - 1));
        int right = (int) Math.round(Math.max(x1, left + 1));
        int bottom = (int) Math.round(Math.max(y1, top + 1));
        return new Box(left, top, Math.max(1, Math.min(right, width) - left), Math.max(1, Math.min(bottom, height) - top));
    }

    /** A box at most the photo's size (log 0) and not vanishingly small, whatever an untrained net says. */
    private static double clampLog(double v) {
        return Double.isFinite(v) ? Math.max(MIN_LOG_SIZE, Math.min(0, v)) : 0;
    }
}
