package dev.streetnum.data;

import java.util.List;
import java.util.Optional;

/**
 * A gap between two neighbouring digit boxes of an annotation wide enough to hold a digit the annotation
 * left out. SVHN's digitStruct has such numbers: a photo of "164" labelled 14, its boxes on the 1 and
 * the 4. With the box the network reads the whole number in their union and is scored wrong against a
 * label that is; at the 98% threshold such photos are among the wrong answers given (models/README.md).
 *
 * <p>The gap is measured against the number's other gaps, so evenly spaced digits (a "2 1 8 3" on four
 * tiles) are not suspects: a gap counts by how much it exceeds the widest other one, in digit widths.
 * A suspect is for a person to look at, not a correction: the rule reads boxes, never pixels.
 *
 * @param image              the annotated photo
 * @param after              the gap follows this digit (0-based, in reading order)
 * @param excessDigitWidths  the gap less the number's widest other gap (0 if it has none, or none
 *                           positive), over the mean width of the two digits beside it
 */
public record AnnotationGap(AnnotatedImage image, int after, double excessDigitWidths) {

    /** A gap this many digit widths beyond the others has room for a digit (measured on SVHN train: README). */
    public static final double SUSPECT_DIGIT_WIDTHS = 0.8;

    /** This annotation's widest suspect gap, if it has one. */
    public static Optional<AnnotationGap> find(AnnotatedImage image) {
        List<DigitBox> digits = image.digits();
        int pairs = digits.size() - 1;
        double[] gaps = new double[Math.max(0, pairs)];
        for (int i = 0; i < pairs; i++) {
            gaps[i] = digits.get(i + 1).box().left() - digits.get(i).box().right();
        }
        AnnotationGap widest = null;
        for (int i = 0; i < pairs; i++) {
            double others = 0;
            for (int j = 0; j < pairs; j++) {
                if (j != i) {
                    others = Math.max(others, gaps[j]);
                }
            }
            double digitWidth = (digits.get(i).box().width() + digits.get(i + 1).box().width()) / 2.0;
            double excess = (gaps[i] - others) / digitWidth;
            if (excess > SUSPECT_DIGIT_WIDTHS && (widest == null || excess > widest.excessDigitWidths)) {
                widest = new AnnotationGap(image, i, excess);
            }
        }
        return Optional.ofNullable(widest);
    }

    /** Every photo of the set whose annotation has a suspect gap, in the set's order. */
    public static List<AnnotationGap> findAll(AnnotatedDataset data) {
        return data.images().stream().map(AnnotationGap::find).flatMap(Optional::stream).toList();
    }
}
