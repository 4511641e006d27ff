package dev.streetnum.model;

import dev.streetnum.data.Box;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-time augmentation: the views of a region the network reads, and how their answers combine.
 * A view rescales the region about its centre before the 30% expansion, then moves the 54x54 crop
 * inside the resized 64x64 expansion; both stay within what training's box jitter and random crops
 * showed the network. {@link Combine#MEAN} averages the six heads' probabilities over the views and
 * decodes once; {@link Combine#MOST_CONFIDENT} decodes each view and keeps the answer with the highest
 * P(S|x) (candidate boxes scored by the transcriber itself); {@link Combine#MIXTURE} averages each
 * view's sequence probabilities, so an answer must hold across the views to be sure. Either way the
 * confidence is not the plain read's, so a threshold must be calibrated with the same views it is
 * served with. One centre view is the plain path, bit for bit.
 *
 * <p>A photo sent without a box to a bundle with several localizers has one candidate box per
 * localizer; {@code boxes} says how their readings combine, with the same three rules
 * ({@link #BOXES}, keeping the most probable, unless a measurement says otherwise).
 *
 * @param views   at least one; the first is the centre in the standard sets
 * @param combine how the views' outputs become one answer
 * @param boxes   how the readings of a photo's candidate boxes (one per localizer) become one answer
 */
public record ReadViews(List<View> views, Combine combine, Combine boxes) {

    /**
     * How candidate boxes combine unless told: the answer with the highest P(S|x) (the transcriber
     * scores the boxes; session 14, DESIGN 3a).
     */
    public static final Combine BOXES = Combine.MOST_CONFIDENT;

    /** How the views' outputs become one answer. */
    public enum Combine {
        /** Average each head's probabilities over the views, then decode once. */
        MEAN,
        /** Decode every view and keep the answer with the highest P(S|x). */
        MOST_CONFIDENT,
        /**
         * The views as a mixture: P(S|x) is the mean over the views of each view's own P(S|x), decoded
         * exactly ({@link SequenceDecoder#decodeMixture}). An answer one view reads and another does
         * not (a digit cut off by a tight box) keeps only its share.
         */
        MIXTURE
    }

    /** Pixels the shifted views move the crop by, in x and y: within the 5 px training's crops reach. */
    static final int SHIFT = 3;
    /** Box scales of the rescaled views: a localizer's boxes are often this much too loose or tight. */
    static final double[] SCALES = {0.85, 1.2};
    /** The counts {@link #standard} knows. */
    public static final List<Integer> STANDARD_COUNTS = List.of(1, 3, 5, 15);

    /** The plain read: the centre crop of the region as given. */
    public static final ReadViews CENTRE = new ReadViews(List.of(View.CENTRE), Combine.MEAN);

    /**
     * @param boxScale the region's sides are multiplied by this about its centre (1: as given)
     * @param dx       the crop's offset from the centre crop, in resized pixels
     * @param dy       likewise in y
     */
    public record View(double boxScale, int dx, int dy) {
        public static final View CENTRE = new View(1, 0, 0);

        public View {
            if (!(boxScale > 0 && boxScale <= 4)) {
                throw new IllegalArgumentException("a view's box scale lies in (0, 4], got " + boxScale);
            }
        }

        /** The region this view cuts; the whole image (null) stays the whole image. */
        public Box region(Box given) {
            return given == null ? null : given.scaled(boxScale);
        }
    }

    public ReadViews {
        if (views == null || views.isEmpty()) {
            throw new IllegalArgumentException("reading takes at least one view");
        }
        if (combine == null || boxes == null) {
            throw new IllegalArgumentException("say how the views and the candidate boxes combine: "
                    + java.util.Arrays.toString(Combine.values()));
        }
        views = List.copyOf(views);
    }

    /** Views whose candidate boxes combine by {@link #BOXES}. */
    public ReadViews(List<View> views, Combine combine) {
        this(views, combine, BOXES);
    }

    /** The same views, candidate boxes combined by {@code how}. */
    public ReadViews withBoxes(Combine how) {
        return new ReadViews(views, combine, how);
    }

    /**
     * A standard set: 1 the centre; 3 the centre and the region rescaled by each of {@link #SCALES};
     * 5 the centre crop and four crops shifted diagonally by {@link #SHIFT} px; 15 every scale with
     * every shift.
     */
    public static ReadViews standard(int count, Combine combine) {
        List<Double> scales = new ArrayList<>(List.of(1.0));
        List<int[]> shifts = new ArrayList<>(List.of(new int[] {0, 0}));
        switch (count) {
            case 1 -> { }
            case 3 -> addScales(scales);
            case 5 -> addShifts(shifts);
            case 15 -> {
                addScales(scales);
                addShifts(shifts);
            }
            default -> throw new IllegalArgumentException("--views takes one of " + STANDARD_COUNTS + ", got " + count);
        }
        List<View> views = new ArrayList<>();
        for (double scale : scales) {
            for (int[] shift : shifts) {
                views.add(new View(scale, shift[0], shift[1]));
            }
        }
        return new ReadViews(views, combine);
    }

    /** {@link #standard(int, Combine)} averaging the heads. */
    public static ReadViews standard(int count) {
        return standard(count, Combine.MEAN);
    }

    private static void addScales(List<Double> scales) {
        for (double s : SCALES) {
            scales.add(s);
        }
    }

    private static void addShifts(List<int[]> shifts) {
        for (int sx : new int[] {-SHIFT, SHIFT}) {
            for (int sy : new int[] {-SHIFT, SHIFT}) {
                shifts.add(new int[] {sx, sy});
            }
        }
    }

    public int count() {
        return views.size();
    }
}
