package dev.streetnum.train;

import dev.streetnum.data.Augmentation;
import java.nio.file.Path;

/**
 * Consistency training on photos without labels, as FixMatch does it (Sohn et al. 2020, "FixMatch:
 * Simplifying Semi-Supervised Learning with Consistency and Confidence"): every minibatch also draws
 * {@code batchSize} of these photos; the network being trained reads each in a weakly augmented view (a
 * random 54x54 crop, nothing else); where that reading is accepted at {@code threshold} (P(S|x), the
 * service's rule), it becomes the label of a strongly augmented view of the same photo, trained beside the
 * labelled rows; the others teach nothing this step. Unlike pseudo-labels written once, the targets follow
 * the network as it learns, and the network must give the same answer through {@code strong}.
 *
 * @param photos    a folder with labels.csv naming the photos and the box to read in each; its labels are not
 *                  used (pseudo-label's output, which holds the boxes the localizer found, serves)
 * @param threshold P(S|x) a weak view's reading must reach to become its strong view's label, in (0, 1)
 * @param batchSize photos without labels in each minibatch, beside the labelled ones
 * @param strong    the strong view's augmentation
 */
public record Consistency(Path photos, double threshold, int batchSize, Augmentation strong) {

    /** FixMatch's confidence threshold, here on the sequence's probability rather than one class's. */
    public static final double DEFAULT_THRESHOLD = 0.95;

    /**
     * The strong view: the training jitter of the box (no stronger: a box moved further can cut a digit
     * off, and the label would then name a digit the view does not show), twice its rotation, stronger
     * contrast and colour changes, a low-resolution view, and a cutout square of 30% of the side (FixMatch's
     * goes to 50% on single digits; here a number's several digits share the crop).
     */
    public static final Augmentation STRONG = new Augmentation(Augmentation.DEFAULT.boxScale(),
            Augmentation.DEFAULT.boxAspect(), Augmentation.DEFAULT.boxShift(), 2 * Augmentation.DEFAULT.maxRotation(),
            0.5, 0.25, 0.3, 0.5);

    public Consistency {
        if (photos == null) {
            throw new IllegalArgumentException("consistency training needs a folder of photos (labels.csv with boxes)");
        }
        if (!(threshold > 0 && threshold < 1)) {
            throw new IllegalArgumentException("the consistency threshold is a probability in (0, 1), e.g. "
                    + DEFAULT_THRESHOLD + ", got " + threshold);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("the consistency batch must hold at least 1 photo, got " + batchSize);
        }
        if (strong == null) {
            throw new IllegalArgumentException("consistency training needs a strong augmentation");
        }
    }

    /** What a checkpoint's resume must match. */
    String identity() {
        return "consistency=" + photos.normalize() + ":" + threshold + ":" + batchSize + ":" + strong;
    }
}
