package dev.streetnum.eval;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A review sheet: a grid of the crops the model saw with their truth, answer and confidence. Looking
 * at the worst errors is how the Street View team found crops cut too tightly. (A data set's photos
 * with their boxes are {@code SampleSheet}'s job.)
 */
public final class ReviewSheet {

    /** Tiles per sheet: enough to see a pattern, small enough to look at each one. */
    public static final int MAX_TILES = 48;
    static final int COLUMNS = 8;
    /** Crops are drawn at this multiple of their size so the digits are legible. */
    static final int ZOOM = 2;
    static final int CAPTION_HEIGHT = 46;
    static final int GAP = 6;
    static final int TITLE_HEIGHT = 28;

    private ReviewSheet() {
    }

    /** Wrong transcriptions (refusals excluded), most confident first. */
    public static List<Prediction> mostConfidentErrors(List<Prediction> predictions) {
        return predictions.stream()
                .filter(p -> p.transcribable() && !p.correct())
                .sorted(Comparator.comparingDouble(Prediction::confidence).reversed())
                .limit(MAX_TILES)
                .toList();
    }

    /** Not accepted at the threshold: ">5" refusals first, then the least confident. */
    public static List<Prediction> refused(List<Prediction> predictions, double threshold) {
        return predictions.stream()
                .filter(p -> !p.acceptedAt(threshold))
                .sorted(Comparator.comparing(Prediction::transcribable).thenComparingDouble(Prediction::confidence))
                .limit(MAX_TILES)
                .toList();
    }

    /** Frames a tile whose answer the service would have given: the errors that reach callers. */
    static final Color ANSWERED = new Color(220, 0, 0);
    static final int ANSWERED_FRAME = 3;

    /**
     * Draws the tiles; each crop with the centre square the network sees outlined, and a red frame
     * round each one accepted at the threshold (for a sheet of errors, the wrong answers callers get).
     *
     * @param seenFraction side of the network's input over the crop's side (54/64)
     * @param threshold    the acceptance threshold the report applies
     */
    public static BufferedImage render(String title, List<SheetTile> tiles, double seenFraction, double threshold) {
        int cell = tiles.stream().mapToInt(t -> Math.max(t.crop().getWidth(), t.crop().getHeight())).max()
                .orElse(64) * ZOOM;
        int columns = Math.max(1, Math.min(COLUMNS, tiles.size()));
        int rows = Math.max(1, (tiles.size() + columns - 1) / columns);
        int width = columns * (cell + GAP) + GAP;
        int height = TITLE_HEIGHT + rows * (cell + CAPTION_HEIGHT + GAP) + GAP;
        BufferedImage sheet = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g.drawString(tiles.isEmpty() ? title + " (none)" : title, GAP, 20);
            g.setFont(new Font(Font.MONOSPACED, Font.PLAIN, 12));
            for (int i = 0; i < tiles.size(); i++) {
                SheetTile tile = tiles.get(i);
                int x = GAP + (i % columns) * (cell + GAP);
                int y = TITLE_HEIGHT + (i / columns) * (cell + CAPTION_HEIGHT + GAP);
                int w = tile.crop().getWidth() * ZOOM;
                int h = tile.crop().getHeight() * ZOOM;
                g.drawImage(tile.crop(), x, y, w, h, null);
                Prediction p = tile.prediction();
                boolean answered = p.acceptedAt(threshold);
                if (answered) {
                    g.setColor(ANSWERED);
                    g.setStroke(new BasicStroke(ANSWERED_FRAME));
                    g.drawRect(x + 1, y + 1, w - ANSWERED_FRAME, h - ANSWERED_FRAME);
                }
                g.setColor(Color.YELLOW);
                g.setStroke(new BasicStroke(1));
                int sw = (int) Math.round(w * seenFraction);
                int sh = (int) Math.round(h * seenFraction);
                g.drawRect(x + (w - sw) / 2, y + (h - sh) / 2, sw - 1, sh - 1);
                g.setColor(Color.BLACK);
                g.drawString("truth " + p.truth(), x, y + h + 13);
                g.setColor(p.correct() ? new Color(0, 120, 0) : new Color(180, 0, 0));
                g.drawString((p.transcribable() ? "said  " : "refused ") + p.answer(), x, y + h + 27);
                g.setColor(Color.DARK_GRAY);
                g.drawString(String.format(Locale.ROOT, "p=%.3f%s", p.confidence(), answered ? " answered" : ""), x, y + h + 41);
            }
        } finally {
            g.dispose();
        }
        return sheet;
    }
}
