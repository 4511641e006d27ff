package dev.streetnum.data;

import static org.bytedeco.opencv.global.opencv_core.BORDER_REPLICATE;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.util.Random;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * DESIGN section 3, the one preprocessing path for training, evaluation and serving: expand the
 * region ~30% around its centre, cut it out with border-replicate padding, resize to 64x64, take a
 * random (training) or centre (eval/serve) 54x54 crop, subtract the image's own per-channel mean and
 * scale; RGB, CHW float.
 */
public final class CropExpander {

    /** Half the 8-bit range: mean-free pixels then span about unit range. */
    public static final float SCALE = 128f;
    /**
     * Most times the image's width (or height) the expanded region may span. A detector's box lies on
     * the image, so its expansion is at most 1.3 times it; anything far larger is a client's mistake
     * or an attack (a 10000-pixel box on a small photo took 1 GB and 8 s). Small images are measured
     * as if they were {@code resize} pixels wide, so that a box around a tiny crop is not refused.
     */
    public static final int MAX_REGION_TO_IMAGE = 2;

    private final PreprocessConfig config;

    public CropExpander(PreprocessConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("a crop expander needs a preprocessing config");
        }
        this.config = config;
    }

    public PreprocessConfig config() {
        return config;
    }

    /**
     * The region grown by {@code expansion} in width and height around its centre. Sizes round to
     * the nearest pixel; the centre stays put to within half a pixel.
     *
     * @throws IllegalArgumentException when the grown region does not fit in int pixel coordinates
     */
    public Box expand(Box region) {
        long[] e = expandedBounds(region);
        if (e[0] < Integer.MIN_VALUE || e[1] < Integer.MIN_VALUE
                || e[0] + e[2] > Integer.MAX_VALUE || e[1] + e[3] > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("box " + region + " grown by " + percent() + " is " + e[2] + "x" + e[3]
                    + " pixels, beyond any image's pixel coordinates");
        }
        return new Box((int) e[0], (int) e[1], (int) e[2], (int) e[3]);
    }

    /** left, top, width, height of the grown region, in long so that no box can overflow them. */
    private long[] expandedBounds(Box region) {
        long width = Math.max(1, Math.round(region.width() * (1 + config.expansion())));
        long height = Math.max(1, Math.round(region.height() * (1 + config.expansion())));
        // Doubled coordinates keep the centre exact in integers: 2*left' = 2*left + w - w'.
        long left = Math.floorDiv(2L * region.left() + region.width() - width, 2);
        long top = Math.floorDiv(2L * region.top() + region.height() - height, 2);
        return new long[] {left, top, width, height};
    }

    /**
     * The pixels that are cut out for a region of an image of the given size: the region expanded, or
     * the whole image (not expanded) when there is no region. May extend past the image.
     *
     * @param region the digits' union box or a detector's box; null means the whole image
     */
    public Box cutRegion(int imageWidth, int imageHeight, Box region) {
        return region == null ? new Box(0, 0, imageWidth, imageHeight) : expand(region);
    }

    /**
     * The expanded region cut out (border-replicated where it leaves the image) and resized to
     * {@code resize x resize}: 8-bit BGR. The caller owns (and closes) the result.
     *
     * <p>The work is bounded by the image, not by the box: only the expanded region is materialised
     * (never the gap between it and a far-away image), and a region more than
     * {@link #MAX_REGION_TO_IMAGE} times the image's width or height is refused.
     *
     * @param region the digits' union box or a detector's box; null means the whole image (not expanded)
     * @throws DataException when the expanded region is absurdly larger than the image
     */
    public Mat expandedCrop(Mat image, Box region) {
        if (image == null || image.empty() || image.type() != CV_8UC3) {
            throw new IllegalArgumentException("expected a decoded 8-bit BGR image (see ImageDecoder)");
        }
        Box box = region == null ? new Box(0, 0, image.cols(), image.rows()) : boundedExpansion(region, image);
        try (Mat cut = cutReplicating(image, box)) {
            return resized(cut, config.resize(), config.resize());
        }
    }

    /**
     * The image stretched to {@code width x height}, a new matrix the caller closes. Area averaging when
     * shrinking both ways avoids aliasing; it has no benefit when enlarging.
     */
    public static Mat resized(Mat image, int width, int height) {
        int interpolation = image.cols() >= width && image.rows() >= height ? INTER_AREA : INTER_LINEAR;
        Mat resized = new Mat();
        try (Size size = new Size(width, height)) {
            resize(image, resized, size, 0, 0, interpolation);
        } catch (RuntimeException e) {
            resized.close();
            throw e;
        }
        return resized;
    }

    /** A matrix's pixels as packed bytes (BGR for a colour image). */
    public static byte[] bytes(Mat image) {
        byte[] bytes = new byte[(int) (image.total() * image.channels())];
        if (image.isContinuous()) {
            image.data().get(bytes);
        } else {
            try (Mat continuous = image.clone()) {
                continuous.data().get(bytes);
            }
        }
        return bytes;
    }

    /**
     * Whether {@link #expandedCrop} takes this region of an image of the given size: its expansion is
     * at most {@link #MAX_REGION_TO_IMAGE} times the image (or the resize side) in width and height.
     */
    public boolean accepts(Box region, int imageWidth, int imageHeight) {
        long[] e = expandedBounds(region);
        return e[2] <= (long) MAX_REGION_TO_IMAGE * Math.max(imageWidth, config.resize())
                && e[3] <= (long) MAX_REGION_TO_IMAGE * Math.max(imageHeight, config.resize());
    }

    private Box boundedExpansion(Box region, Mat image) {
        long[] e = expandedBounds(region);
        if (!accepts(region, image.cols(), image.rows())) {
            throw new DataException("box " + region + " grown by " + percent() + " is " + e[2] + "x" + e[3]
                    + " pixels, more than " + MAX_REGION_TO_IMAGE + " times the " + image.cols() + "x" + image.rows()
                    + " image in width or height: a box frames the number within the image");
        }
        // The size is now small; a position far outside the image only moves which edge pixel repeats.
        long left = Math.max(Integer.MIN_VALUE, Math.min(e[0], Integer.MAX_VALUE - e[2]));
        long top = Math.max(Integer.MIN_VALUE, Math.min(e[1], Integer.MAX_VALUE - e[3]));
        return new Box((int) left, (int) top, (int) e[2], (int) e[3]);
    }

    private String percent() {
        return Math.round(config.expansion() * 100) + "%";
    }

    /** {@link #expandedCrop} as packed BGR bytes, {@code resize*resize*3} long: the crop cache's unit. */
    public byte[] expandedCropBytes(Mat image, Box region) {
        try (Mat crop = expandedCrop(image, region)) {
            return bytes(crop);
        }
    }

    /**
     * The centre {@code crop x crop} of the expanded crop, 8-bit BGR: the pixels the network reads at
     * evaluation and serving time, before normalisation (what the service's explanation shows).
     */
    public Mat centreCrop(Mat image, Box region) {
        try (Mat expanded = expandedCrop(image, region)) {
            int offset = centreOffset();
            return new Mat(expanded, new Rect(offset, offset, config.crop(), config.crop())).clone();
        }
    }

    /**
     * Writes the network input for one image into {@code dst} at {@code offset}: 3 x crop x crop floats.
     *
     * @param region the digits' union box or a detector's box; null means the whole image
     * @param random source of the random crop offset (training); null takes the centre crop
     */
    public void preprocess(Mat image, Box region, Random random, float[] dst, int offset) {
        normalise(expandedCropBytes(image, region), random, dst, offset);
    }

    /**
     * The second half of {@link #preprocess}, from an expanded crop's BGR bytes (as the crop cache
     * stores them): crop, convert to RGB CHW, subtract per-channel means, scale.
     */
    public void normalise(byte[] expandedBgr, Random random, float[] dst, int offset) {
        int side = config.resize();
        int crop = config.crop();
        if (expandedBgr.length != side * side * 3) {
            throw new IllegalArgumentException("an expanded crop has " + side * side * 3 + " bytes, got " + expandedBgr.length);
        }
        int slack = side - crop;
        int x0 = random == null ? centreOffset() : random.nextInt(slack + 1);
        int y0 = random == null ? centreOffset() : random.nextInt(slack + 1);
        normalise(expandedBgr, x0, y0, dst, offset);
    }

    /**
     * {@link #normalise(byte[], Random, float[], int)} with the crop's top left given: test-time views
     * read the same expanded crop at several offsets.
     *
     * @param x0 left of the crop in the resized expanded crop, 0 to {@code resize - crop}
     * @param y0 top of the crop, 0 to {@code resize - crop}
     */
    public void normalise(byte[] expandedBgr, int x0, int y0, float[] dst, int offset) {
        int side = config.resize();
        int crop = config.crop();
        if (expandedBgr.length != side * side * 3) {
            throw new IllegalArgumentException("an expanded crop has " + side * side * 3 + " bytes, got " + expandedBgr.length);
        }
        int slack = side - crop;
        if (x0 < 0 || y0 < 0 || x0 > slack || y0 > slack) {
            throw new IllegalArgumentException("a crop offset lies in [0, " + slack + "], got " + x0 + "," + y0);
        }
        normaliseWindow(expandedBgr, side, x0, y0, crop, crop, dst, offset);
    }

    /**
     * The network input from a window of packed BGR pixels: RGB planes (CHW), each channel's own mean
     * over the window subtracted, divided by {@link #SCALE}. {@code 3 x width x height} floats.
     *
     * @param bgr      pixels of an image {@code rowWidth} wide, row after row
     * @param x0       left of the window
     * @param y0       top of the window
     */
    public static void normaliseWindow(byte[] bgr, int rowWidth, int x0, int y0, int width, int height, float[] dst,
                                       int offset) {
        int plane = width * height;
        for (int c = 0; c < 3; c++) {
            int bgrChannel = 2 - c; // OpenCV stores BGR; the network reads RGB
            int planeStart = offset + c * plane;
            double sum = 0;
            for (int y = 0; y < height; y++) {
                int src = ((y0 + y) * rowWidth + x0) * 3 + bgrChannel;
                int out = planeStart + y * width;
                for (int x = 0; x < width; x++, src += 3) {
                    int v = bgr[src] & 0xff;
                    dst[out + x] = v;
                    sum += v;
                }
            }
            float mean = (float) (sum / plane);
            for (int i = planeStart; i < planeStart + plane; i++) {
                dst[i] = (dst[i] - mean) / SCALE;
            }
        }
    }

    /** Where the centre crop starts in the resized expanded crop, in x and in y. */
    public int centreOffset() {
        return (config.resize() - config.crop()) / 2;
    }

    /** Floats one preprocessed image occupies. */
    public int inputSize() {
        return config.channels() * config.crop() * config.crop();
    }

    /** Bytes one expanded crop occupies. */
    public int expandedCropSize() {
        return config.resize() * config.resize() * 3;
    }

    /**
     * The box's pixels, as a new matrix exactly the box's size; where it leaves the image the nearest
     * edge pixel repeats. Works even when the box lies wholly outside: the nearest row/column of the
     * image is replicated. Only the box is allocated, however far from the image it lies.
     */
    public static Mat cutReplicating(Mat image, Box box) {
        int[] x = axis(box.left(), box.width(), image.cols());
        int[] y = axis(box.top(), box.height(), image.rows());
        try (Rect rect = new Rect(x[0], y[0], x[1], y[1]); Mat inside = new Mat(image, rect)) {
            if (x[2] == 0 && x[3] == 0 && y[2] == 0 && y[3] == 0) {
                return inside.clone();
            }
            Mat padded = new Mat();
            copyMakeBorder(inside, padded, y[2], y[3], x[2], x[3], BORDER_REPLICATE);
            return padded;
        }
    }

    /**
     * Along one axis: the image's slice {start, length} that the box sees, and the padding before and
     * after it that makes up the box's length. A box wholly past an edge sees the one edge pixel.
     */
    private static int[] axis(int boxStart, int boxLength, int imageLength) {
        long boxEnd = (long) boxStart + boxLength;
        int start = (int) Math.max(0, Math.min(imageLength - 1, boxStart));
        int end = (int) Math.max(start + 1, Math.min(imageLength, boxEnd));
        int length = end - start;
        int before = (int) Math.max(0, Math.min((long) start - boxStart, boxLength - length));
        return new int[] {start, length, before, boxLength - length - before};
    }
}
