package dev.streetnum.data;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A PNG grid of whole photos with their digit boxes and numbers, for people to look at a data set
 * ({@code generate}'s {@code samples.png}). The evaluator's sheet of crops and answers is
 * {@code ReviewSheet}; both draw OpenCV images through {@link Java2dImage}.
 */
public final class SampleSheet {

    /** Height every tile is scaled to. */
    public static final int TILE_HEIGHT = 96;
    /** Width of a sheet: tiles wrap into rows no wider. */
    public static final int WIDTH = 1200;
    private static final int CAPTION = 14;
    private static final int GAP = 4;

    /** One tile: a BGR image, its boxes (may be empty) and a caption. */
    public record Tile(Mat image, List<Box> boxes, String caption) {
    }

    private SampleSheet() {
    }

    /** Writes the tiles in rows at most {@link #WIDTH} pixels wide. */
    public static void write(Path png, List<Tile> tiles) {
        int x = GAP;
        int y = GAP;
        int rowHeight = TILE_HEIGHT + CAPTION + GAP;
        int[][] positions = new int[tiles.size()][];
        double[] scales = new double[tiles.size()];
        for (int i = 0; i < tiles.size(); i++) {
            Mat m = tiles.get(i).image();
            scales[i] = (double) TILE_HEIGHT / m.rows();
            int w = Math.min(WIDTH - 2 * GAP, (int) Math.round(m.cols() * scales[i]));
            if (x + w > WIDTH - GAP && x > GAP) {
                x = GAP;
                y += rowHeight;
            }
            positions[i] = new int[] {x, y, w};
            x += w + GAP;
        }
        BufferedImage sheet = new BufferedImage(WIDTH, y + rowHeight, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setColor(new Color(40, 40, 40));
        g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
        g.setFont(new Font(Font.MONOSPACED, Font.PLAIN, 11));
        for (int i = 0; i < tiles.size(); i++) {
            Tile t = tiles.get(i);
            int[] p = positions[i];
            g.drawImage(Java2dImage.of(t.image()), p[0], p[1], p[2], TILE_HEIGHT, null);
            g.setColor(new Color(0, 255, 0, 170));
            g.setStroke(new BasicStroke(1f));
            for (Box b : t.boxes()) {
                g.drawRect(p[0] + (int) Math.round(b.left() * scales[i]), p[1] + (int) Math.round(b.top() * scales[i]),
                        (int) Math.round(b.width() * scales[i]), (int) Math.round(b.height() * scales[i]));
            }
            g.setColor(Color.WHITE);
            g.drawString(t.caption(), p[0], p[1] + TILE_HEIGHT + CAPTION - 3);
        }
        g.dispose();
        try {
            Files.createDirectories(png.toAbsolutePath().getParent());
            ImageIO.write(sheet, "png", png.toFile());
        } catch (IOException e) {
            throw new DataException("cannot write contact sheet " + png + ": " + e.getMessage(), e);
        }
    }
}
