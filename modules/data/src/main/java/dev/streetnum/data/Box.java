package dev.streetnum.data;

/**
 * An axis-aligned pixel rectangle, origin at the image's top left. It may extend past the image:
 * real SVHN boxes do, and {@link CropExpander} pads instead of rejecting.
 */
public record Box(int left, int top, int width, int height) {

    public Box {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException(
                    "box width and height must be positive, got width=" + width + ", height=" + height);
        }
        // right() and bottom() are ints: a box reaching past Integer.MAX_VALUE would wrap to negative.
        if ((long) left + width > Integer.MAX_VALUE || (long) top + height > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("box " + left + "," + top + "," + width + "," + height
                    + " reaches past pixel " + Integer.MAX_VALUE);
        }
    }

    public int right() {
        return left + width;
    }

    public int bottom() {
        return top + height;
    }

    /**
     * The box of the given size centred on a point, sizes rounded to whole pixels and never under 1:
     * how augmentation jitters a box and how test-time views rescale one.
     */
    public static Box centredAt(double centreX, double centreY, double width, double height) {
        int w = (int) Math.max(1, Math.round(width));
        int h = (int) Math.max(1, Math.round(height));
        return new Box((int) Math.round(centreX - w / 2.0), (int) Math.round(centreY - h / 2.0), w, h);
    }

    /** This box grown (factor > 1) or shrunk about its centre, in both sides. */
    public Box scaled(double factor) {
        if (!(factor > 0)) {
            throw new IllegalArgumentException("a box scale factor is positive, got " + factor);
        }
        return factor == 1 ? this
                : centredAt(left + width / 2.0, top + height / 2.0, width * factor, height * factor);
    }

    /** The part of this box inside a {@code width x height} image, or null when none of it is. */
    public Box visibleIn(int width, int height) {
        int l = Math.max(0, left);
        int t = Math.max(0, top);
        int r = Math.min(width, right());
        int b = Math.min(height, bottom());
        return r > l && b > t ? new Box(l, t, r - l, b - t) : null;
    }

    /**
     * Refuses a caller's box that misses the {@code width x height} image it is for: read, it would be
     * the image's replicated border, an answer about nothing in the photo.
     *
     * @param source names the image at the head of the error (a file name, "request body"), as a
     *     decoding error does
     * @throws DataException naming the box, the image's size and its source
     */
    public void requireTouches(int width, int height, String source) {
        if (visibleIn(width, height) == null) {
            throw new DataException(source + ": box " + this + " (left,top,width,height) lies outside the "
                    + width + "x" + height + " image");
        }
    }

    /** The smallest box holding both. */
    public Box union(Box other) {
        int l = Math.min(left, other.left);
        int t = Math.min(top, other.top);
        return new Box(l, t, Math.max(right(), other.right()) - l, Math.max(bottom(), other.bottom()) - t);
    }

    /**
     * Intersection over union, the usual box-quality measure: 1 for the same box, 0 for disjoint ones.
     */
    public double iou(Box other) {
        long overlapWidth = Math.max(0, Math.min(right(), other.right()) - Math.max(left, other.left));
        long overlapHeight = Math.max(0, Math.min(bottom(), other.bottom()) - Math.max(top, other.top));
        long overlap = overlapWidth * overlapHeight;
        return overlap / (double) ((long) width * height + (long) other.width * other.height - overlap);
    }

    /** Parses {@code left,top,width,height}, naming the problem when the text is not that. */
    public static Box parse(String text) {
        String[] parts = text.trim().split("\\s*,\\s*");
        if (parts.length != 4) {
            throw new IllegalArgumentException(
                    "a box is left,top,width,height (four integers), got '" + text + "'");
        }
        int[] v = new int[4];
        for (int i = 0; i < 4; i++) {
            try {
                v[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "box field " + (i + 1) + " is not an integer: '" + parts[i] + "' in '" + text + "'");
            }
        }
        return new Box(v[0], v[1], v[2], v[3]);
    }

    @Override
    public String toString() {
        return left + "," + top + "," + width + "," + height;
    }
}
