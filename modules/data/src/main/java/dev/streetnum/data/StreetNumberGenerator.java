package dev.streetnum.data;

import static org.bytedeco.opencv.global.opencv_core.BORDER_REFLECT_101;
import static org.bytedeco.opencv.global.opencv_core.CV_64F;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.filter2D;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.bytedeco.opencv.global.opencv_imgproc.warpPerspective;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.font.FontRenderContext;
import java.awt.font.GlyphVector;
import java.awt.geom.AffineTransform;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * The synthetic Street-View-style house numbers (DESIGN section 2): a number of the configured length
 * mix drawn in one of the bundled fonts on a wall, brick, wood, siding or plaque, with distractors
 * around it, then warped, resized to an SVHN-like size, lit unevenly, blurred, noised and JPEG
 * compressed. Each example is a pure function of (seed, index), so any subset can be made in
 * parallel and reproduced.
 */
public final class StreetNumberGenerator implements ExampleSource {

    /** SVHN photos are mostly 30-200 px tall; final heights are drawn log-uniformly in this range. */
    public static final int MIN_HEIGHT = 30;
    public static final int MAX_HEIGHT = 200;
    /** Exponent on the uniform draw of log-height: above 1 favours small photos. */
    private static final double HEIGHT_SKEW = 1.5;
    /** Digit height while drawing, before the final resize. */
    private static final int WORKING_DIGIT_HEIGHT = 64;
    private static final String FONT_FOLDER = "/dev/streetnum/data/fonts/";
    /** Share of numbers laid out as a staircase. */
    static final double STAIR_SHARE = 0.06;
    /** Share of examples whose boxes are loose, and the largest margin per side (in digit heights). */
    static final double LOOSE_BOX_SHARE = 0.7;
    static final double MAX_BOX_PAD = 0.12;
    /** Share of photos with a hard cast shadow across them. */
    static final double SHADOW_SHARE = 0.2;
    /**
     * Share of photos taken at a lower resolution than their final size (then upscaled): most SVHN
     * digits are 15-40 px tall and the crops the model sees are upscaled from them.
     */
    static final double LOW_RESOLUTION_SHARE = 0.55;
    private static final String DISTRACTOR_TEXT = "ABCDEFGHKMNPRSTWXYZ#-/";
    private static final List<Font> FONTS = loadFonts();

    private final LengthMix lengthMix;

    public StreetNumberGenerator(LengthMix lengthMix) {
        if (lengthMix == null) {
            throw new IllegalArgumentException("the generator needs a length mix");
        }
        this.lengthMix = lengthMix;
    }

    public LengthMix lengthMix() {
        return lengthMix;
    }

    /** One generated photo: 8-bit BGR pixels and its digits' boxes in reading order. */
    public record Example(Mat image, List<DigitBox> digits) {
    }

    /** Example {@code index} of the stream {@code seed}. */
    @Override
    public Example generate(long seed, long index) {
        Random r = new Random(SeedStreams.derive(seed, index));
        int length = lengthMix.draw(r);
        int[] digits = new int[length];
        for (int i = 0; i < length; i++) {
            // House numbers rarely start with 0.
            digits[i] = i == 0 && r.nextDouble() < 0.97 ? 1 + r.nextInt(9) : r.nextInt(10);
        }

        Font font = FONTS.get(r.nextInt(FONTS.size()));
        // Real house numerals are tall and narrow: SVHN digit boxes have a median width/height of 0.48
        // (measured on the real train split), the glyphs of our fonts about 0.6.
        double condense = 0.55 + 0.55 * r.nextDouble();
        FontRenderContext frc = new FontRenderContext(null, true, true);
        // Scale the font so digits come out WORKING_DIGIT_HEIGHT tall.
        Font probe = font.deriveFont(100f);
        double digitHeight100 = probe.createGlyphVector(frc, "0123456789").getVisualBounds().getHeight();
        float size = (float) (100.0 * WORKING_DIGIT_HEIGHT / digitHeight100);
        Font scaled = font.deriveFont(AffineTransform.getScaleInstance(size * condense, size));
        // Real digits sit close: the gap between SVHN boxes is -0.14..0.14 digit heights for 90% of pairs.
        double spacing = WORKING_DIGIT_HEIGHT * (r.nextDouble() < 0.85 ? -0.08 + 0.18 * r.nextDouble() : 0.1 + 0.35 * r.nextDouble());

        // Lay digits out left to right with their outlines, baseline jittered a little (hand-fixed numerals).
        List<Shape> glyphs = new ArrayList<>();
        double x = 0;
        double wobble = r.nextDouble() < 0.3 ? WORKING_DIGIT_HEIGHT * 0.06 : 0;
        // Some real numbers step diagonally (one numeral per tile, or stuck on a slope).
        double stair = r.nextDouble() < STAIR_SHARE ? WORKING_DIGIT_HEIGHT * (r.nextBoolean() ? 1 : -1) * (0.2 + 0.3 * r.nextDouble()) : 0;
        for (int i = 0; i < length; i++) {
            int d = digits[i];
            GlyphVector gv = scaled.createGlyphVector(frc, String.valueOf(d));
            double baseline = wobble * r.nextGaussian() + stair * i;
            Shape outline = gv.getOutline((float) x, (float) baseline);
            glyphs.add(outline);
            x += gv.getGlyphMetrics(0).getAdvanceX() + spacing;
        }
        Rectangle2D text = union(glyphs);

        double marginX = WORKING_DIGIT_HEIGHT * (0.15 + 1.6 * Math.pow(r.nextDouble(), 1.5));
        double marginY = WORKING_DIGIT_HEIGHT * (0.12 + 0.9 * Math.pow(r.nextDouble(), 1.5));
        int width = (int) Math.ceil(text.getWidth() + 2 * marginX * (0.6 + 0.8 * r.nextDouble()));
        int height = (int) Math.ceil(text.getHeight() + 2 * marginY);
        double offsetX = (width - text.getWidth()) * (0.3 + 0.4 * r.nextDouble()) - text.getMinX();
        double offsetY = (height - text.getHeight()) * (0.3 + 0.4 * r.nextDouble()) - text.getMinY();
        AffineTransform place = AffineTransform.getTranslateInstance(offsetX, offsetY);

        BufferedImage canvas = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = canvas.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        Color wall = randomColour(r);
        paintBackground(g, r, width, height, wall);

        Rectangle2D placedText = place.createTransformedShape(text).getBounds2D();
        Color behindText = wall;
        if (r.nextDouble() < 0.55) {
            behindText = paintPlaque(g, r, placedText, wall);
        }
        paintDistractors(g, r, width, height, placedText, scaled, behindText);
        paintDigits(g, r, glyphs, place, behindText);
        g.dispose();

        List<double[]> corners = new ArrayList<>();
        for (Shape s : glyphs) {
            Rectangle2D b = place.createTransformedShape(s).getBounds2D();
            corners.add(new double[] {b.getMinX(), b.getMinY(), b.getMaxX(), b.getMinY(),
                    b.getMaxX(), b.getMaxY(), b.getMinX(), b.getMaxY()});
        }

        Mat image = toMat(canvas);
        double[] homography = randomHomography(r, width, height);
        image = warp(image, homography);
        for (double[] c : corners) {
            for (int i = 0; i < 8; i += 2) {
                double[] p = apply(homography, c[i], c[i + 1]);
                c[i] = p[0];
                c[i + 1] = p[1];
            }
        }

        // Skewed towards small photos: the median comes out near 60 px, like SVHN's.
        int finalHeight = (int) Math.round(Math.exp(Math.log(MIN_HEIGHT)
                + Math.pow(r.nextDouble(), HEIGHT_SKEW) * (Math.log(MAX_HEIGHT) - Math.log(MIN_HEIGHT))));
        double scale = (double) finalHeight / height;
        int finalWidth = Math.max(8, (int) Math.round(width * scale));
        Mat small = new Mat();
        resize(image, small, new Size(finalWidth, finalHeight), 0, 0, scale < 1 ? INTER_AREA : INTER_LINEAR);

        double digitPx = WORKING_DIGIT_HEIGHT * scale;
        Mat degraded = degrade(small, r, digitPx);
        // SVHN's boxes are hand-drawn: loose by an uneven margin, top and bottom shared by the number.
        boolean loose = r.nextDouble() < LOOSE_BOX_SHARE;
        double padTop = loose ? MAX_BOX_PAD * r.nextDouble() : 0;
        double padBottom = loose ? MAX_BOX_PAD * r.nextDouble() : 0;
        List<DigitBox> boxes = new ArrayList<>(length);
        for (int i = 0; i < length; i++) {
            double[] c = corners.get(i);
            double minX = Math.min(Math.min(c[0], c[2]), Math.min(c[4], c[6])) * scale;
            double maxX = Math.max(Math.max(c[0], c[2]), Math.max(c[4], c[6])) * scale;
            double minY = Math.min(Math.min(c[1], c[3]), Math.min(c[5], c[7])) * scale;
            double maxY = Math.max(Math.max(c[1], c[3]), Math.max(c[5], c[7])) * scale;
            double padLeft = loose ? MAX_BOX_PAD * r.nextDouble() : 0;
            double padRight = loose ? MAX_BOX_PAD * r.nextDouble() : 0;
            boxes.add(new DigitBox(digits[i], loosen(minX, minY, maxX, maxY, digitPx, padLeft, padTop, padRight, padBottom)));
        }
        return new Example(degraded, withinCropBound(boxes, degraded.cols(), degraded.rows()));
    }

    /** The expansion every reader of a data set applies (DESIGN section 3); the bound is its. */
    private static final CropExpander STANDARD_CROP = new CropExpander(PreprocessConfig.DEFAULT);

    /**
     * The boxes as drawn, unless their union grown 30% is more than the crop bound takes
     * ({@link CropExpander#accepts}: a loose margin on a number that fills a small photo): then each
     * box is clipped to the photo, which always passes. Only such examples change: every reader
     * (training, evaluation, the service) refused them before.
     */
    static List<DigitBox> withinCropBound(List<DigitBox> boxes, int width, int height) {
        Box union = boxes.stream().map(DigitBox::box).reduce(Box::union).orElseThrow();
        if (STANDARD_CROP.accepts(union, width, height)) {
            return boxes;
        }
        List<DigitBox> clipped = new ArrayList<>(boxes.size());
        for (DigitBox b : boxes) {
            Box box = b.box();
            int left = Math.max(0, Math.min(box.left(), width - 1));
            int top = Math.max(0, Math.min(box.top(), height - 1));
            int right = Math.max(left + 1, Math.min(box.right(), width));
            int bottom = Math.max(top + 1, Math.min(box.bottom(), height));
            clipped.add(new DigitBox(b.label(), new Box(left, top, right - left, bottom - top)));
        }
        return clipped;
    }

    /**
     * The integer box around {@code [minX,maxX] x [minY,maxY]} widened by the given fractions of the
     * digit height on each side; it always contains the tight box.
     */
    static Box loosen(double minX, double minY, double maxX, double maxY, double digitPx,
            double padLeft, double padTop, double padRight, double padBottom) {
        int left = (int) Math.floor(minX - padLeft * digitPx);
        int top = (int) Math.floor(minY - padTop * digitPx);
        int right = (int) Math.ceil(maxX + padRight * digitPx);
        int bottom = (int) Math.ceil(maxY + padBottom * digitPx);
        return new Box(left, top, Math.max(1, right - left), Math.max(1, bottom - top));
    }

    // ---- backgrounds -------------------------------------------------------------------------------

    private static void paintBackground(Graphics2D g, Random r, int w, int h, Color wall) {
        int kind = r.nextInt(6);
        g.setColor(wall);
        g.fillRect(0, 0, w, h);
        switch (kind) {
            case 0 -> { // plain wall, photo-like gradient
                g.setPaint(new GradientPaint(0, 0, jitter(wall, r, 40), (float) (w * r.nextDouble()), h, jitter(wall, r, 40)));
                g.fillRect(0, 0, w, h);
            }
            case 1 -> paintBricks(g, r, w, h, wall);
            case 2 -> paintPlanks(g, r, w, h, wall, true);
            case 3 -> paintPlanks(g, r, w, h, wall, false);
            case 4 -> paintBlotches(g, r, w, h, wall);
            default -> { // stone/stucco: many soft speckles
                for (int i = 0; i < w * h / 40; i++) {
                    g.setColor(withAlpha(jitter(wall, r, 50), 60 + r.nextInt(80)));
                    int s = 1 + r.nextInt(4);
                    g.fillOval(r.nextInt(w), r.nextInt(h), s, s);
                }
            }
        }
    }

    private static void paintBricks(Graphics2D g, Random r, int w, int h, Color wall) {
        int brickH = 10 + r.nextInt(16);
        int brickW = brickH * (2 + r.nextInt(2));
        Color mortar = r.nextBoolean() ? new Color(200, 195, 185) : wall.darker().darker();
        g.setColor(mortar);
        g.fillRect(0, 0, w, h);
        for (int row = 0, y = -r.nextInt(brickH); y < h; row++, y += brickH) {
            int shift = (row % 2) * brickW / 2 - r.nextInt(brickW);
            for (int x = shift; x < w; x += brickW) {
                g.setColor(jitter(wall, r, 30));
                g.fillRect(x + 1, y + 1, brickW - 2, brickH - 2);
            }
        }
    }

    private static void paintPlanks(Graphics2D g, Random r, int w, int h, Color wall, boolean horizontal) {
        int plank = 8 + r.nextInt(20);
        int extent = horizontal ? h : w;
        for (int p = -r.nextInt(plank); p < extent; p += plank) {
            g.setColor(jitter(wall, r, 18));
            if (horizontal) {
                g.fillRect(0, p, w, plank);
            } else {
                g.fillRect(p, 0, plank, h);
            }
            // grain
            for (int i = 0; i < 4; i++) {
                g.setColor(withAlpha(wall.darker(), 50));
                int o = p + r.nextInt(plank);
                if (horizontal) {
                    g.drawLine(0, o, w, o + r.nextInt(5) - 2);
                } else {
                    g.drawLine(o, 0, o + r.nextInt(5) - 2, h);
                }
            }
            g.setColor(withAlpha(Color.BLACK, 90));
            if (horizontal) {
                g.drawLine(0, p, w, p);
            } else {
                g.drawLine(p, 0, p, h);
            }
        }
    }

    private static void paintBlotches(Graphics2D g, Random r, int w, int h, Color wall) {
        for (int i = 0; i < 25; i++) {
            g.setColor(withAlpha(jitter(wall, r, 60), 25 + r.nextInt(40)));
            int s = 10 + r.nextInt(Math.max(11, Math.max(w, h) / 2));
            g.fillOval(r.nextInt(w) - s / 2, r.nextInt(h) - s / 2, s, s);
        }
    }

    /** A plate behind the digits; returns its colour. */
    private static Color paintPlaque(Graphics2D g, Random r, Rectangle2D text, Color wall) {
        double pad = WORKING_DIGIT_HEIGHT * (0.08 + 0.35 * r.nextDouble());
        double arc = r.nextBoolean() ? 0 : WORKING_DIGIT_HEIGHT * 0.4 * r.nextDouble();
        Shape plate = new RoundRectangle2D.Double(text.getMinX() - pad * (1 + r.nextDouble()), text.getMinY() - pad,
                text.getWidth() + pad * (2 + 2 * r.nextDouble()), text.getHeight() + 2 * pad, arc, arc);
        Color colour = r.nextDouble() < 0.4 ? contrasting(wall, r, 60) : randomColour(r);
        if (r.nextBoolean()) { // shadow of the plate on the wall
            g.setColor(withAlpha(Color.BLACK, 70));
            g.fill(AffineTransform.getTranslateInstance(3, 3).createTransformedShape(plate));
        }
        g.setColor(colour);
        g.fill(plate);
        if (r.nextDouble() < 0.6) {
            g.setStroke(new BasicStroke((float) (1 + 4 * r.nextDouble())));
            g.setColor(contrasting(colour, r, 80));
            g.draw(plate);
        }
        return colour;
    }

    /** Edges, neighbouring signs and stray characters, kept off the number itself. */
    private static void paintDistractors(Graphics2D g, Random r, int w, int h, Rectangle2D text, Font font, Color near) {
        int count = r.nextInt(4);
        for (int i = 0; i < count; i++) {
            switch (r.nextInt(4)) {
                case 0 -> { // a frame edge, pipe or door jamb
                    g.setColor(r.nextBoolean() ? randomColour(r) : contrasting(near, r, 60));
                    g.setStroke(new BasicStroke(2 + r.nextInt(8)));
                    boolean vertical = r.nextBoolean();
                    if (vertical) {
                        int xLine = r.nextBoolean() ? (int) (text.getMinX() * r.nextDouble())
                                : (int) (text.getMaxX() + (w - text.getMaxX()) * r.nextDouble());
                        g.drawLine(xLine, 0, xLine + r.nextInt(7) - 3, h);
                    } else {
                        int yLine = r.nextBoolean() ? (int) (text.getMinY() * r.nextDouble())
                                : (int) (text.getMaxY() + (h - text.getMaxY()) * r.nextDouble());
                        g.drawLine(0, yLine, w, yLine + r.nextInt(7) - 3);
                    }
                }
                case 1, 2 -> { // characters of a neighbouring sign, or a digit cut off by the photo edge
                    String s = r.nextBoolean()
                            ? String.valueOf(DISTRACTOR_TEXT.charAt(r.nextInt(DISTRACTOR_TEXT.length())))
                            : String.valueOf(r.nextInt(10));
                    Font f = font.deriveFont(AffineTransform.getScaleInstance(0.4 + 0.8 * r.nextDouble(), 0.4 + 0.8 * r.nextDouble()));
                    GlyphVector gv = f.createGlyphVector(g.getFontRenderContext(), s);
                    Rectangle2D b = gv.getVisualBounds();
                    boolean leftSide = r.nextBoolean();
                    // Close enough to fall inside the expanded crop, as neighbouring text does in SVHN.
                    double gx = leftSide ? text.getMinX() - b.getMaxX() - WORKING_DIGIT_HEIGHT * (0.12 + 0.8 * r.nextDouble())
                            : text.getMaxX() - b.getMinX() + WORKING_DIGIT_HEIGHT * (0.12 + 0.8 * r.nextDouble());
                    double gy = r.nextDouble() * h - b.getCenterY();
                    g.setColor(contrasting(near, r, 70));
                    g.fill(gv.getOutline((float) gx, (float) gy));
                }
                default -> { // a patch of another sign or a window
                    g.setColor(randomColour(r));
                    int pw = 10 + r.nextInt(Math.max(11, w / 3));
                    int ph = 10 + r.nextInt(Math.max(11, h / 2));
                    boolean leftSide = r.nextBoolean();
                    int px = leftSide ? (int) text.getMinX() - pw - WORKING_DIGIT_HEIGHT / 8 - r.nextInt(WORKING_DIGIT_HEIGHT)
                            : (int) text.getMaxX() + WORKING_DIGIT_HEIGHT / 8 + r.nextInt(WORKING_DIGIT_HEIGHT);
                    g.fillRect(px, r.nextInt(Math.max(1, h)) - ph / 2, pw, ph);
                }
            }
        }
    }

    private static void paintDigits(Graphics2D g, Random r, List<Shape> glyphs, AffineTransform place, Color behind) {
        // Contrast from barely legible to stark: low contrast is one of SVHN's hard cases.
        int contrast = r.nextDouble() < 0.15 ? 35 + r.nextInt(40) : 90 + r.nextInt(140);
        Color ink = contrasting(behind, r, contrast);
        double effect = r.nextDouble();
        for (Shape glyph : glyphs) {
            Shape placed = place.createTransformedShape(glyph);
            if (effect < 0.25) { // drop shadow or relief
                int dx = r.nextInt(5) - 2;
                int dy = 1 + r.nextInt(3);
                g.setColor(withAlpha(r.nextBoolean() ? Color.BLACK : Color.WHITE, 120));
                g.fill(AffineTransform.getTranslateInstance(dx, dy).createTransformedShape(placed));
            }
            g.setColor(ink);
            g.fill(placed);
            if (effect > 0.8) { // outlined numerals
                g.setStroke(new BasicStroke((float) (1 + 2.5 * r.nextDouble())));
                g.setColor(contrasting(ink, r, 100));
                g.draw(placed);
            }
        }
    }

    // ---- geometry and degradation ------------------------------------------------------------------

    /** Rotation, shear and a little perspective about the canvas centre, as a row-major 3x3 matrix. */
    private static double[] randomHomography(Random r, int w, int h) {
        double angle = Math.toRadians(clampGauss(r, 5, 15));
        double shear = clampGauss(r, 0.1, 0.3);
        double px = clampGauss(r, 0.0004, 0.0012);
        double py = clampGauss(r, 0.0004, 0.0012);
        double cx = w / 2.0;
        double cy = h / 2.0;
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        // H = T(c) * P * R * S * T(-c)
        double[] shearM = {1, shear, 0, 0, 1, 0, 0, 0, 1};
        double[] rot = {cos, -sin, 0, sin, cos, 0, 0, 0, 1};
        double[] persp = {1, 0, 0, 0, 1, 0, px, py, 1};
        double[] toOrigin = {1, 0, -cx, 0, 1, -cy, 0, 0, 1};
        double[] back = {1, 0, cx, 0, 1, cy, 0, 0, 1};
        return multiply(back, multiply(persp, multiply(rot, multiply(shearM, toOrigin))));
    }

    private static double clampGauss(Random r, double sigma, double limit) {
        return Math.max(-limit, Math.min(limit, r.nextGaussian() * sigma));
    }

    private static double[] multiply(double[] a, double[] b) {
        double[] c = new double[9];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 3; k++) {
                    c[3 * i + j] += a[3 * i + k] * b[3 * k + j];
                }
            }
        }
        return c;
    }

    private static double[] apply(double[] m, double x, double y) {
        double wz = m[6] * x + m[7] * y + m[8];
        return new double[] {(m[0] * x + m[1] * y + m[2]) / wz, (m[3] * x + m[4] * y + m[5]) / wz};
    }

    private static Mat warp(Mat image, double[] homography) {
        Mat m = new Mat(3, 3, CV_64F);
        DoublePointer p = new DoublePointer(m.data());
        p.put(homography);
        Mat out = new Mat();
        // Reflecting the border keeps the corners photo-like instead of black.
        warpPerspective(image, out, m, image.size(), INTER_LINEAR, BORDER_REFLECT_101, new Scalar());
        return out;
    }

    /**
     * Uneven light and cast shadows, low contrast, low resolution, blur, sensor noise and JPEG
     * artefacts, at the final size; {@code digitPx} is the digits' height there.
     */
    private static Mat degrade(Mat image, Random r, double digitPx) {
        int w = image.cols();
        int h = image.rows();
        byte[] px = new byte[w * h * 3];
        image.data().get(px);
        if (r.nextDouble() < SHADOW_SHARE) {
            castShadow(px, w, h, Math.PI * 2 * r.nextDouble(), (r.nextDouble() - 0.5) * 0.8,
                    0.35 + 0.4 * r.nextDouble(), 0.5 + 3 * r.nextDouble());
        }
        // Lighting: a linear ramp (sun and shade) times an overall gain, with a contrast squeeze.
        double gain = 0.6 + 0.7 * r.nextDouble();
        double squeeze = r.nextDouble() < 0.2 ? 0.35 + 0.4 * r.nextDouble() : 1.0;
        double rampX = (r.nextDouble() - 0.5) * 0.8 / w;
        double rampY = (r.nextDouble() - 0.5) * 0.8 / h;
        double tintR = 0.9 + 0.2 * r.nextDouble();
        double tintB = 0.9 + 0.2 * r.nextDouble();
        double noise = r.nextDouble() < 0.7 ? 2 + 10 * r.nextDouble() : 0;
        // Street photos are washed out: pull colours part of the way towards grey.
        double desaturate = r.nextDouble() < 0.6 ? 0.6 * r.nextDouble() : 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double light = gain * (1 + rampX * (x - w / 2.0) + rampY * (y - h / 2.0));
                int i = (y * w + x) * 3;
                double grey = 0.114 * (px[i] & 0xff) + 0.587 * (px[i + 1] & 0xff) + 0.299 * (px[i + 2] & 0xff);
                for (int c = 0; c < 3; c++) {
                    double tint = c == 0 ? tintB : c == 2 ? tintR : 1;
                    double v = px[i + c] & 0xff;
                    v += (grey - v) * desaturate;
                    v = 128 + (v - 128) * squeeze;
                    v = v * light * tint + noise * r.nextGaussian();
                    px[i + c] = (byte) Math.max(0, Math.min(255, Math.round(v)));
                }
            }
        }
        Mat lit = new Mat(h, w, CV_8UC3);
        lit.data().put(px);
        if (r.nextDouble() < LOW_RESOLUTION_SHARE) {
            // Digits captured 9-30 px tall, shown at digitPx: the blocky-then-smeared look of SVHN crops.
            double capturedPx = 9 + 21 * r.nextDouble();
            if (digitPx > capturedPx * 1.15) {
                lit = lowerResolution(lit, digitPx / capturedPx);
            }
        }

        Mat blurred = lit;
        double blur = r.nextDouble();
        if (blur < 0.65) {
            blurred = new Mat();
            // Focus and motion blur scale with the digits, not the photo.
            double sigma = Math.min(4.0, 0.3 + 0.07 * digitPx * r.nextDouble());
            GaussianBlur(lit, blurred, new Size(0, 0), sigma);
        } else if (blur < 0.7) { // camera shake
            int k = 3 + 2 * r.nextInt(3);
            Mat kernel = new Mat(k, k, CV_64F, new Scalar(0.0));
            DoublePointer kp = new DoublePointer(kernel.data());
            boolean horizontal = r.nextBoolean();
            for (int i = 0; i < k; i++) {
                kp.put(horizontal ? (k / 2) * k + i : i * k + k / 2, 1.0 / k);
            }
            blurred = new Mat();
            filter2D(lit, blurred, -1, kernel);
        }

        if (r.nextDouble() < 0.7) {
            int quality = 15 + r.nextInt(76);
            BytePointer encoded = new BytePointer();
            imencode(".jpg", blurred, encoded, new IntPointer(IMWRITE_JPEG_QUALITY, quality));
            byte[] jpeg = new byte[(int) encoded.limit()];
            encoded.get(jpeg);
            return ImageDecoder.decode(jpeg, "generated JPEG");
        }
        return blurred;
    }

    /** Shrinks by {@code factor} (area average, as a sensor does) and scales back up bilinearly. */
    static Mat lowerResolution(Mat image, double factor) {
        int w = image.cols();
        int h = image.rows();
        Mat low = new Mat();
        resize(image, low, new Size(Math.max(2, (int) Math.round(w / factor)), Math.max(2, (int) Math.round(h / factor))), 0, 0, INTER_AREA);
        Mat back = new Mat();
        resize(low, back, new Size(w, h), 0, 0, INTER_LINEAR);
        return back;
    }

    /**
     * Darkens the part of the BGR pixels beyond a line (a building's or a tree's shadow): the line has
     * normal {@code angle} and passes {@code offset} (fraction of the diagonal) from the centre; pixels
     * deep in the shadow keep {@code 1 - depth} of their value, with a linear edge {@code softness} px
     * wide.
     */
    static void castShadow(byte[] px, int w, int h, double angle, double offset, double depth, double softness) {
        double nx = Math.cos(angle);
        double ny = Math.sin(angle);
        double c = offset * Math.hypot(w, h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double d = nx * (x - w / 2.0) + ny * (y - h / 2.0) - c;
                double inShadow = Math.max(0, Math.min(1, 0.5 + d / softness));
                double k = 1 - depth * inShadow;
                int i = (y * w + x) * 3;
                for (int ch = 0; ch < 3; ch++) {
                    px[i + ch] = (byte) Math.round((px[i + ch] & 0xff) * k);
                }
            }
        }
    }

    // ---- colours and fonts -------------------------------------------------------------------------

    private static Color randomColour(Random r) {
        float hue = r.nextFloat();
        // Mostly muted, like buildings and SVHN's washed-out photos.
        float saturation = (float) Math.pow(r.nextFloat(), 2.5) * 0.65f;
        float brightness = 0.1f + 0.9f * r.nextFloat();
        return Color.getHSBColor(hue, saturation, brightness);
    }

    /** A colour whose luminance differs from {@code base}'s by about {@code contrast} (0-255). */
    private static Color contrasting(Color base, Random r, int contrast) {
        double lum = luminance(base);
        double target = lum + (lum > 127 ? -contrast : contrast);
        if (target < 0 || target > 255) {
            target = lum > 127 ? Math.max(0, lum - contrast) : Math.min(255, lum + contrast);
        }
        Color hue = randomColour(r);
        double hueLum = Math.max(1, luminance(hue));
        double k = target / hueLum;
        return new Color(clamp255(hue.getRed() * k), clamp255(hue.getGreen() * k), clamp255(hue.getBlue() * k));
    }

    private static double luminance(Color c) {
        return 0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue();
    }

    private static Color jitter(Color c, Random r, int amount) {
        int d = r.nextInt(2 * amount + 1) - amount;
        return new Color(clamp255(c.getRed() + d + r.nextInt(9) - 4), clamp255(c.getGreen() + d + r.nextInt(9) - 4),
                clamp255(c.getBlue() + d + r.nextInt(9) - 4));
    }

    private static Color withAlpha(Color c, int alpha) {
        return new Color(c.getRed(), c.getGreen(), c.getBlue(), alpha);
    }

    private static int clamp255(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }

    private static Rectangle2D union(List<Shape> shapes) {
        Rectangle2D u = shapes.get(0).getBounds2D();
        for (Shape s : shapes) {
            u = u.createUnion(s.getBounds2D());
        }
        return u;
    }

    private static Mat toMat(BufferedImage image) {
        byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        Mat m = new Mat(image.getHeight(), image.getWidth(), CV_8UC3);
        m.data().put(bgr);
        return m;
    }

    /** The bundled fonts (see fonts/LICENSE-*.txt): the same on every machine, unlike system fonts. */
    private static List<Font> loadFonts() {
        List<Font> fonts = new ArrayList<>();
        try (InputStream list = StreetNumberGenerator.class.getResourceAsStream(FONT_FOLDER + "fonts.list")) {
            if (list == null) {
                throw new IllegalStateException("bundled font list missing from the data module's resources");
            }
            for (String name : new BufferedReader(new InputStreamReader(list, StandardCharsets.UTF_8)).lines().toList()) {
                try (InputStream in = StreetNumberGenerator.class.getResourceAsStream(FONT_FOLDER + name.trim())) {
                    fonts.add(Font.createFont(Font.TRUETYPE_FONT, in));
                } catch (java.awt.FontFormatException e) {
                    throw new IllegalStateException("bundled font " + name + " cannot be read", e);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read bundled fonts", e);
        }
        return List.copyOf(fonts);
    }

    /** Bundled fonts the generator draws from. */
    public static int fontCount() {
        return FONTS.size();
    }
}
