package dev.streetnum.data;

import static org.bytedeco.opencv.global.opencv_core.BORDER_REPLICATE;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.getRotationMatrix2D;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;

import java.util.Random;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point2f;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Training-time jitter (DESIGN section 3): real detector boxes are imprecise and real photos vary in
 * pose, colour and contrast, so a training image's box is moved and resized at random <em>before</em>
 * the 30% expansion, and its expanded crop is rotated a little and its colour and contrast changed.
 * Evaluation and serving take {@link #NONE}; everything else runs through the same {@link CropExpander}
 * path as they do.
 *
 * @param boxScale     the box's area scale is drawn from [1 - s, 1 + s] (both sides scaled by its root)
 * @param boxAspect    the box's aspect ratio is multiplied by a factor in [1 - a, 1 + a]
 * @param boxShift     the box's centre moves by up to this fraction of its width (x) and height (y)
 * @param maxRotation  the expanded crop rotates by an angle in [-r, r] degrees about its centre
 * @param contrast     pixel deviations from the crop mean are scaled by a factor in [1 - c, 1 + c]
 * @param colour       each channel is scaled by its own factor in [1 - k, 1 + k] (a colour cast)
 * @param cutout       a square this fraction of the crop's side, centred on a pixel drawn uniformly
 *                     from the crop (so it may hang over the edge), is filled with the crop's
 *                     per-channel mean, which the network input then reads as about zero (Cutout,
 *                     DeVries and Taylor 2017); 0 for none
 * @param lowResolution the crop is shrunk to a side drawn from [(1 - q) side, side] (area averaging)
 *                     and enlarged back (bilinear), so a number the photo gives many pixels is also
 *                     seen as blurred as the smallest ones are: on real val the quarter of numbers
 *                     under 22 px high is read right 73% of the time, the others 86-91%; 0 for none
 * @param partialNumber the probability that a number of two or more digits, annotated digit by digit, is
 *                     cut around part of it instead ({@link #region}): the digits at one end left out,
 *                     the label kept whole. A localizer's box that cuts a number reads as surely as a
 *                     whole one (models/README.md, rule R46); shown such crops labelled with the whole
 *                     number, the network learns that a number running off the crop's edge is not sure.
 *                     0 for none
 */
public record Augmentation(double boxScale, double boxAspect, double boxShift, double maxRotation,
                           double contrast, double colour, double cutout, double lowResolution,
                           double partialNumber) {

    /** Every jitter but the partial number: the record as it was before that was added. */
    public Augmentation(double boxScale, double boxAspect, double boxShift, double maxRotation,
                        double contrast, double colour, double cutout, double lowResolution) {
        this(boxScale, boxAspect, boxShift, maxRotation, contrast, colour, cutout, lowResolution, 0);
    }

    /** No jitter: evaluation, serving, and training runs that ask for none. */
    public static final Augmentation NONE = new Augmentation(0, 0, 0, 0, 0, 0, 0, 0);

    /**
     * The training default: SVHN's own boxes are hand-drawn and loose by a few pixels, a detector's by
     * more; +-15% area, +-10% aspect, +-8% shift keep the whole number inside the 30% expansion in
     * almost every draw. Rotations of real house numbers in SVHN are small (a few degrees). No cutout:
     * it is measured as its own ablation row (models/README.md), as is the low-resolution view.
     */
    public static final Augmentation DEFAULT = new Augmentation(0.15, 0.10, 0.08, 5, 0.25, 0.10, 0, 0);

    public Augmentation {
        requireFraction("box scale", boxScale);
        requireFraction("box aspect", boxAspect);
        requireFraction("box shift", boxShift);
        requireFraction("contrast", contrast);
        requireFraction("colour", colour);
        requireFraction("cutout", cutout);
        requireFraction("low-resolution", lowResolution);
        if (!(partialNumber >= 0 && partialNumber <= 1)) {
            throw new IllegalArgumentException("the partial-number probability must be in [0, 1], got " + partialNumber);
        }
        if (!(maxRotation >= 0 && maxRotation <= 45)) {
            throw new IllegalArgumentException("the maximum rotation must be in [0, 45] degrees, got " + maxRotation);
        }
    }

    /** Whether the box moves: a cache of fixed crops cannot serve such a run. */
    public boolean jittersBox() {
        return boxScale > 0 || boxAspect > 0 || boxShift > 0;
    }

    /** This augmentation with the cutout square's side, as a fraction of the crop's side, set to {@code side}. */
    public Augmentation withCutout(double side) {
        return new Augmentation(boxScale, boxAspect, boxShift, maxRotation, contrast, colour, side, lowResolution,
                partialNumber);
    }

    /** This augmentation with the low-resolution view's reach set to {@code reach} (0: none). */
    public Augmentation withLowResolution(double reach) {
        return new Augmentation(boxScale, boxAspect, boxShift, maxRotation, contrast, colour, cutout, reach,
                partialNumber);
    }

    /** This augmentation with the partial number's probability set to {@code probability} (0: none). */
    public Augmentation withPartialNumber(double probability) {
        return new Augmentation(boxScale, boxAspect, boxShift, maxRotation, contrast, colour, cutout, lowResolution,
                probability);
    }

    /** Whether a training crop's region can differ from the annotated one: a cache of fixed crops cannot serve it. */
    public boolean movesRegion() {
        return jittersBox() || partialNumber > 0;
    }

    /**
     * The region a training crop is cut around, before the box jitter: with probability
     * {@link #partialNumber}, for a number of two or more digits whose rows hold boxes of their own (a set
     * that repeats the number's box on every row cannot be cut by digit), the union of the digits left
     * after 1 to n-1 of them are dropped from one end, either end as likely; otherwise the whole number's
     * region. Draws nothing when the probability is 0, so a run without it sees the draws it saw before.
     */
    public Box region(AnnotatedImage image, Random random) {
        Box whole = image.region();
        if (partialNumber == 0) {
            return whole;
        }
        boolean cut = random.nextDouble() < partialNumber;
        if (!cut || !NumberCut.cuttable(image)) {
            return whole;
        }
        int dropped = 1 + random.nextInt(image.length() - 1);
        boolean fromStart = random.nextBoolean();
        return new NumberCut(fromStart, dropped).region(image);
    }

    /** Whether anything is jittered at all. */
    public boolean isNone() {
        return equals(NONE);
    }

    /** The region moved and resized at random (the identity for {@link #NONE}); never smaller than 1x1. */
    public Box jitter(Box box, Random random) {
        if (!jittersBox()) {
            return box;
        }
        double area = 1 + boxScale * (2 * random.nextDouble() - 1);
        double aspect = 1 + boxAspect * (2 * random.nextDouble() - 1);
        double width = box.width() * Math.sqrt(area * aspect);
        double height = box.height() * Math.sqrt(area / aspect);
        double centreX = box.left() + box.width() / 2.0 + boxShift * box.width() * (2 * random.nextDouble() - 1);
        double centreY = box.top() + box.height() / 2.0 + boxShift * box.height() * (2 * random.nextDouble() - 1);
        return Box.centredAt(centreX, centreY, width, height);
    }

    /**
     * Rotates, recolours and re-contrasts an expanded crop in place ({@code side x side} packed BGR
     * bytes, as {@link CropExpander#expandedCropBytes} gives them), then cuts out a square, then lowers
     * its resolution. Each of the last two draws after everything before it and only when it is on, so
     * a run without them sees the draws it saw before.
     */
    public void apply(byte[] expandedBgr, int side, Random random) {
        if (expandedBgr.length != side * side * 3) {
            throw new IllegalArgumentException("an expanded crop has " + side * side * 3 + " bytes, got " + expandedBgr.length);
        }
        double angle = maxRotation * (2 * random.nextDouble() - 1);
        double gain = 1 + contrast * (2 * random.nextDouble() - 1);
        double[] cast = new double[3];
        for (int c = 0; c < 3; c++) {
            cast[c] = 1 + colour * (2 * random.nextDouble() - 1);
        }
        if (maxRotation > 0) {
            rotate(expandedBgr, side, angle);
        }
        if (contrast > 0 || colour > 0) {
            recolour(expandedBgr, gain, cast);
        }
        if (cutout > 0) {
            int centreX = random.nextInt(side);
            int centreY = random.nextInt(side);
            fillSquare(expandedBgr, side, centreX, centreY, (int) Math.round(cutout * side));
        }
        if (lowResolution > 0) {
            double scale = 1 - lowResolution * random.nextDouble();
            int small = Math.max(1, (int) Math.round(scale * side));
            if (small < side) {
                lowerResolution(expandedBgr, side, small);
            }
        }
    }

    /**
     * Shrinks the crop to {@code small x small} and enlarges it back, with {@link CropExpander#resized}'s
     * interpolation rule: area averaging down, bilinear up.
     */
    static void lowerResolution(byte[] bgr, int side, int small) {
        try (BytePointer pixels = new BytePointer(bgr);
             Mat src = new Mat(side, side, CV_8UC3, pixels);
             Mat shrunk = CropExpander.resized(src, small, small);
             Mat back = CropExpander.resized(shrunk, side, side)) {
            back.data().get(bgr);
        }
    }

    /**
     * Fills the square of side {@code square} whose centre pixel is (centreX, centreY) (the top left at
     * centre - square / 2), clipped to the crop, with each channel's mean over the whole crop.
     */
    static void fillSquare(byte[] bgr, int side, int centreX, int centreY, int square) {
        byte[] mean = new byte[3];
        for (int c = 0; c < 3; c++) {
            mean[c] = (byte) Math.round(channelMean(bgr, c));
        }
        int x0 = Math.max(0, centreX - square / 2);
        int y0 = Math.max(0, centreY - square / 2);
        int x1 = Math.min(side, centreX - square / 2 + square);
        int y1 = Math.min(side, centreY - square / 2 + square);
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                int at = (y * side + x) * 3;
                bgr[at] = mean[0];
                bgr[at + 1] = mean[1];
                bgr[at + 2] = mean[2];
            }
        }
    }

    private static void rotate(byte[] bgr, int side, double degrees) {
        try (BytePointer pixels = new BytePointer(bgr);
             Mat src = new Mat(side, side, CV_8UC3, pixels);
             Mat dst = new Mat();
             Point2f centre = new Point2f(side / 2f, side / 2f);
             Mat rotation = getRotationMatrix2D(centre, degrees, 1.0);
             Size size = new Size(side, side);
             Scalar border = new Scalar()) {
            warpAffine(src, dst, rotation, size, INTER_LINEAR, BORDER_REPLICATE, border);
            dst.data().get(bgr);
        }
    }

    /** Scales each pixel's deviation from its channel's mean by {@code gain * cast[c]}, keeping the mean. */
    private static void recolour(byte[] bgr, double gain, double[] cast) {
        for (int c = 0; c < 3; c++) {
            double mean = channelMean(bgr, c);
            double factor = gain * cast[c];
            for (int i = c; i < bgr.length; i += 3) {
                long v = Math.round(mean + factor * ((bgr[i] & 0xff) - mean));
                bgr[i] = (byte) Math.max(0, Math.min(255, v));
            }
        }
    }

    /** The mean of one channel of packed BGR bytes. */
    private static double channelMean(byte[] bgr, int channel) {
        long sum = 0;
        for (int i = channel; i < bgr.length; i += 3) {
            sum += bgr[i] & 0xff;
        }
        return (double) sum / (bgr.length / 3);
    }

    private static void requireFraction(String what, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException("the " + what + " jitter must be in [0, 1), got " + value);
        }
    }
}
