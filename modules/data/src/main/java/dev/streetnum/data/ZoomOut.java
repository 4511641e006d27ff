package dev.streetnum.data;

import static org.bytedeco.opencv.global.opencv_core.BORDER_REPLICATE;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;

import java.nio.file.Path;
import java.util.SplittableRandom;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A photo framed wider than SVHN's: placed at a random spot of a canvas {@code factor} times its width
 * and height, the canvas filled by stretching the photo's edge pixels outward (so no digit appears
 * outside it). The number keeps its pixels and shrinks as a share of the frame, as in a user's photo
 * taken from further away; the localizer, trained on SVHN's framing, then has a smaller number to find.
 * Photo {@code index} of a set is always placed the same way for one {@code seed}
 * ({@link SeedStreams#derive}).
 *
 * @param factor the canvas side over the photo's, at least 1 (1: the photo itself)
 * @param seed   names the draw
 */
public record ZoomOut(double factor, long seed) {

    /** Beyond this the number is a few pixels of the localizer's 64-pixel input, and photos grow large. */
    public static final double MAX_FACTOR = 8;

    public ZoomOut {
        if (!(factor >= 1 && factor <= MAX_FACTOR)) {
            throw new IllegalArgumentException("a zoom-out factor is the canvas side over the photo's, in [1, "
                    + MAX_FACTOR + "], got " + factor);
        }
    }

    /**
     * Where photo {@code index} of {@code width x height} lies in its canvas.
     *
     * @param left   the photo's left edge in the canvas
     * @param top    its top edge
     * @param width  the canvas width, {@code round(factor * width)}
     * @param height the canvas height
     */
    public record Placement(int left, int top, int width, int height) {
    }

    public Placement place(int width, int height, int index) {
        int canvasWidth = (int) Math.round(factor * width);
        int canvasHeight = (int) Math.round(factor * height);
        SplittableRandom random = new SplittableRandom(SeedStreams.derive(seed, index));
        return new Placement(random.nextInt(canvasWidth - width + 1), random.nextInt(canvasHeight - height + 1),
                canvasWidth, canvasHeight);
    }

    /** The canvas: {@code photo} at the placement, its edge pixels stretched to the canvas's edges. The caller closes it. */
    public static Mat canvas(Mat photo, Placement at) {
        Mat canvas = new Mat();
        copyMakeBorder(photo, canvas, at.top(), at.height() - photo.rows() - at.top(), at.left(),
                at.width() - photo.cols() - at.left(), BORDER_REPLICATE);
        return canvas;
    }

    /** {@code image}'s annotation in the canvas, read from {@code file}: every digit box moved with the photo. */
    public static AnnotatedImage shift(AnnotatedImage image, Placement at, Path file) {
        return new AnnotatedImage(file, image.digits().stream().map(d -> new DigitBox(d.label(),
                new Box(d.box().left() + at.left(), d.box().top() + at.top(), d.box().width(), d.box().height())))
                .toList());
    }
}
