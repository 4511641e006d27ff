package dev.streetnum.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnnotationGapTest {

    /** A photo whose digits stand in boxes 20 px high at the given lefts and widths. */
    private static AnnotatedImage digits(String number, int... leftWidthPairs) {
        List<DigitBox> boxes = new ArrayList<>();
        for (int i = 0; i < number.length(); i++) {
            boxes.add(new DigitBox(number.charAt(i) - '0', new Box(leftWidthPairs[2 * i], 5, leftWidthPairs[2 * i + 1], 20)));
        }
        return new AnnotatedImage(Path.of(number + ".png"), boxes);
    }

    @Test
    void aDigitWideGapBetweenTwoBoxesIsASuspect() {
        // "164" labelled 14: the 1 at 10..16, the 4 at 30..40; gap 14 px over a mean width of 8 px.
        AnnotationGap gap = AnnotationGap.find(digits("14", 10, 6, 30, 10)).orElseThrow();
        assertEquals(0, gap.after());
        assertEquals(14 / 8.0, gap.excessDigitWidths(), 1e-12);
    }

    @Test
    void neighbouringAndOverlappingBoxesAreNot() {
        assertTrue(AnnotationGap.find(digits("12", 10, 8, 19, 8)).isEmpty(), "1 px apart");
        assertTrue(AnnotationGap.find(digits("12", 10, 8, 15, 8)).isEmpty(), "overlapping");
        assertTrue(AnnotationGap.find(digits("7", 10, 8)).isEmpty(), "one digit has no gap");
    }

    @Test
    void evenlySpacedDigitsAreNot() {
        // "2183" on four tiles: every gap 12 px, none wider than the others.
        assertTrue(AnnotationGap.find(digits("2183", 0, 8, 20, 8, 40, 8, 60, 8)).isEmpty());
    }

    @Test
    void aGapCountsByHowMuchItExceedsTheNumbersOtherGaps() {
        // Gaps 22 and 1 px, widths 8: the first exceeds the other by 21 px = 2.625 digit widths.
        AnnotationGap gap = AnnotationGap.find(digits("123", 0, 8, 30, 8, 39, 8)).orElseThrow();
        assertEquals(0, gap.after());
        assertEquals(21 / 8.0, gap.excessDigitWidths(), 1e-12);
        // An overlap (-5 px) counts as no gap: the 15 px gap after it exceeds 0 by 1.5 widths of 10 px.
        gap = AnnotationGap.find(digits("123", 0, 10, 5, 10, 30, 10)).orElseThrow();
        assertEquals(1, gap.after());
        assertEquals(1.5, gap.excessDigitWidths(), 1e-12);
        // Two wide gaps (20 and 30 px, widths 10): only the 30 exceeds the other, by 1 width.
        gap = AnnotationGap.find(digits("1234", 0, 10, 30, 10, 41, 10, 81, 10)).orElseThrow();
        assertEquals(2, gap.after());
        assertEquals(1.0, gap.excessDigitWidths(), 1e-12);
    }

    @Test
    void theBoundaryIsStrict() {
        // Widths 10: a gap of 8 px is exactly 0.8 digit widths, 9 px is 0.9.
        assertEquals(0.8, AnnotationGap.SUSPECT_DIGIT_WIDTHS);
        assertTrue(AnnotationGap.find(digits("12", 0, 10, 18, 10)).isEmpty());
        assertTrue(AnnotationGap.find(digits("12", 0, 10, 19, 10)).isPresent());
    }

    @Test
    void findAllKeepsTheSetsOrder() {
        List<AnnotatedImage> images = List.of(digits("11", 0, 5, 20, 5), digits("12", 0, 8, 9, 8),
                digits("99", 0, 8, 30, 8));
        List<AnnotationGap> gaps = AnnotationGap.findAll(AnnotatedDataset.of(Path.of("."), images, "test"));
        assertEquals(List.of("11", "99"), gaps.stream().map(g -> g.image().number()).toList());
    }
}
