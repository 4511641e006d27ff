package dev.streetnum.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReviewSheetTest {

    private static final BufferedImage BLACK_CROP = new BufferedImage(64, 64, BufferedImage.TYPE_3BYTE_BGR);

    /** The top-left pixel inside tile i's frame (tiles of a black 64x64 crop, one row). */
    private static int frameRgb(BufferedImage sheet, int i) {
        int cell = 64 * ReviewSheet.ZOOM;
        int x = ReviewSheet.GAP + i * (cell + ReviewSheet.GAP) + 1;
        int y = ReviewSheet.TITLE_HEIGHT + 1;
        return sheet.getRGB(x, y) & 0xFFFFFF;
    }

    @Test
    void framesTheWrongAnswersGivenAtTheThresholdAndNoOthers() {
        double threshold = 0.9;
        List<SheetTile> tiles = List.of(
                new SheetTile(BLACK_CROP, new Prediction("a.png", "12", "13", true, 0.95, 0.1)),   // answered
                new SheetTile(BLACK_CROP, new Prediction("b.png", "12", "13", true, 0.9, 0.1)),    // at t: answered
                new SheetTile(BLACK_CROP, new Prediction("c.png", "12", "13", true, 0.89, 0.1)),   // refused
                new SheetTile(BLACK_CROP, new Prediction("d.png", "12", "", false, 0.99, 0.1)));   // ">5": refused
        BufferedImage sheet = ReviewSheet.render("errors", tiles, 54 / 64.0, threshold);

        int red = ReviewSheet.ANSWERED.getRGB() & 0xFFFFFF;
        for (int i = 0; i < tiles.size(); i++) {
            boolean answered = tiles.get(i).prediction().acceptedAt(threshold);
            assertEquals(i < 2, answered, "the fixture's own expectation for tile " + i);
            if (answered) {
                assertEquals(red, frameRgb(sheet, i), "tile " + i + " is answered and framed");
            } else {
                assertNotEquals(red, frameRgb(sheet, i), "tile " + i + " is refused and not framed");
                assertEquals(0, frameRgb(sheet, i), "tile " + i + " shows its black crop there");
            }
        }
    }
}
