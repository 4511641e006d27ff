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

    /**
     * The normalisation, by name, for bundle metadata: per image and channel, subtract the mean of the
     * crop fed to the network, then divide by {@link #SCALE}, so inputs lie in about [-1, 1].
     */
    public static final String NORMALISATION = "rgb-chw, minus per-image per-channel mean, divided by 128";
    /** Half the 8-bit range: mean-free pixels then span about unit range. */
    public static final float SCALE = 128f;

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
     */
    public Box expand(Box region) {
        int width = (int) Math.max(1, Math.round(region.width() * (1 + config.expansion())));
        int height = (int) Math.max(1, Math.round(region.height() * (1 + config.expansion())));
        // Doubled coordinates keep the centre exact in integers: 2*left' = 2*left + w - w'.
        int left = Math.floorDiv(2 * region.left() + region.width() - width, 2);
        int top = Math.floorDiv(2 * region.top() + region.height() - height, 2);
        return new Box(left, top, width, height);
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
     * {@code resize x resize}: 8-bit BGR.
     *
     * @param region the digits' union box or a detector's box; null means the whole image (not expanded)
     */
    public Mat expandedCrop(Mat image, Box region) {
        if (image == null || image.empty() || image.type() != CV_8UC3) {
            throw new IllegalArgumentException("expected a decoded 8-bit BGR image (see ImageDecoder)");
        }
        Box box = cutRegion(image.cols(), image.rows(), region);
        Mat cut = cutReplicating(image, box);
        int side = config.resize();
        // Area averaging when shrinking avoids aliasing; it has no benefit when enlarging.
        int interpolation = box.width() >= side && box.height() >= side ? INTER_AREA : INTER_LINEAR;
        Mat resized = new Mat();
        resize(cut, resized, new Size(side, side), 0, 0, interpolation);
        return resized;
    }

    /** {@link #expandedCrop} as packed BGR bytes, {@code resize*resize*3} long: the crop cache's unit. */
    public byte[] expandedCropBytes(Mat image, Box region) {
        Mat crop = expandedCrop(image, region);
        byte[] bytes = new byte[config.resize() * config.resize() * 3];
        Mat continuous = crop.isContinuous() ? crop : crop.clone();
        continuous.data().get(bytes);
        return bytes;
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
        int plane = crop * crop;
        for (int c = 0; c < 3; c++) {
            int bgrChannel = 2 - c; // OpenCV stores BGR; the network reads RGB
            int planeStart = offset + c * plane;
            double sum = 0;
            for (int y = 0; y < crop; y++) {
                int src = ((y0 + y) * side + x0) * 3 + bgrChannel;
                int out = planeStart + y * crop;
                for (int x = 0; x < crop; x++, src += 3) {
                    int v = expandedBgr[src] & 0xff;
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
    private int centreOffset() {
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
     * The box's pixels; where it leaves the image the nearest edge pixel repeats. Works even when the
     * box lies wholly outside: the nearest row/column of the image is cut and replicated.
     */
    public static Mat cutReplicating(Mat image, Box box) {
        int w = image.cols();
        int h = image.rows();
        int x0 = clamp(box.left(), 0, w - 1);
        int x1 = clamp(box.right(), x0 + 1, w);
        int y0 = clamp(box.top(), 0, h - 1);
        int y1 = clamp(box.bottom(), y0 + 1, h);
        int extLeft = Math.min(box.left(), x0);
        int extTop = Math.min(box.top(), y0);
        int extRight = Math.max(box.right(), x1);
        int extBottom = Math.max(box.bottom(), y1);
        Mat inside = new Mat(image, new Rect(x0, y0, x1 - x0, y1 - y0));
        if (extLeft == x0 && extTop == y0 && extRight == x1 && extBottom == y1) {
            return inside.clone();
        }
        Mat padded = new Mat();
        copyMakeBorder(inside, padded, y0 - extTop, extBottom - y1, x0 - extLeft, extRight - x1, BORDER_REPLICATE);
        return new Mat(padded, new Rect(box.left() - extLeft, box.top() - extTop, box.width(), box.height())).clone();
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
