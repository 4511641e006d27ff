package dev.streetnum.data;

import java.util.SplittableRandom;

/**
 * A detector's box as it may differ from the annotation: each of the box's four edges moved on its own by
 * up to {@code amount} of the box's width (left and right edges) or height (top and bottom), uniformly,
 * in or out. The box a caller sends comes from their detector, not from SVHN's annotators, so the with-box
 * path's figures under such boxes say what a caller with a looser or tighter detector can expect.
 * Photo {@code index} of a set always moves the same way for one {@code seed} ({@link SeedStreams#derive}).
 *
 * @param amount the most an edge moves, as a share of the box's side: 0 (the box itself) to below 1
 * @param seed   names the draw
 */
public record BoxJitter(double amount, long seed) {

    public BoxJitter {
        if (!(amount >= 0 && amount < 1)) {
            throw new IllegalArgumentException("a box jitter moves each edge by a share of the box's side in [0, 1),"
                    + " got " + amount);
        }
    }

    /** Photo {@code index}'s box with its edges moved; at least one pixel wide and high. */
    public Box apply(Box box, int index) {
        if (amount == 0) {
            return box;
        }
        SplittableRandom random = new SplittableRandom(SeedStreams.derive(seed, index));
        double left = box.left() + edgeMove(random, box.width());
        double right = box.right() + edgeMove(random, box.width());
        double top = box.top() + edgeMove(random, box.height());
        double bottom = box.bottom() + edgeMove(random, box.height());
        // Edges that cross (possible above a share of 0.5) leave a one-pixel box between them.
        int l = (int) Math.round(Math.min(left, right));
        int t = (int) Math.round(Math.min(top, bottom));
        return new Box(l, t, Math.max(1, (int) Math.round(Math.max(left, right)) - l),
                Math.max(1, (int) Math.round(Math.max(top, bottom)) - t));
    }

    /**
     * Photo {@code index} with its number's box jittered: every digit row carries the moved box, so the
     * union a reader takes ({@link AnnotatedImage#region}) is it, and the label is the number unchanged.
     */
    public AnnotatedImage applyTo(AnnotatedImage image, int index, java.nio.file.Path file) {
        Box moved = apply(image.region(), index);
        return new AnnotatedImage(file, image.digits().stream().map(d -> new DigitBox(d.label(), moved)).toList());
    }

    private double edgeMove(SplittableRandom random, int side) {
        return (2 * random.nextDouble() - 1) * amount * side;
    }
}
