package dev.streetnum.data;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.meanStdDev;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * New house numbers made of real digits (issue 13): the digit boxes of the real <em>train</em> photos
 * are cut out and laid side by side, scaled to a common height with small jitter, on a background cut
 * from a digit-free region of another train photo (a strip left, right, above or below its digits,
 * rescaled and mirror-tiled or stretched to size), with margin around the number so the 30% crop
 * expansion has real context. Each digit's box in the output is exactly where its source box was
 * pasted. Each example is a pure function of (seed, index), like {@link StreetNumberGenerator}'s.
 *
 * <p>Only photos the split file calls {@code train} are read: a labels file naming a val or test photo,
 * or a photo the split file does not name, is refused before any image is decoded.
 */
public final class RealDigitRecomposer implements ExampleSource {

    /**
     * Weights of 1, 2, 3, 4, 5 and 6-7 digit numbers, in percent. Real SVHN train is 15/54/26/4/0.4
     * (the 3,000 train photos: 14/55/27/4/0), so 3-5 digit numbers, where the shipped model fails most,
     * get the most weight here; 1.5% of 6-7 digits gives the "more than 5" class examples.
     */
    public static final LengthMix LENGTHS = new LengthMix(new double[] {8, 17, 26, 26, 21.5, 1.5});

    /** Common digit height of a number: a random source digit's height, kept in this range (px). */
    static final int MIN_DIGIT_HEIGHT = 14;
    static final int MAX_DIGIT_HEIGHT = 80;
    /** Source digits shorter than this (px), or less than half inside their photo, are not cut. */
    static final int MIN_SOURCE_HEIGHT = 8;
    /**
     * Source digits whose brightness varies less than this inside their box (standard deviation, 0-255)
     * are not cut: washed-out digits a person cannot read would be labels without a visible digit.
     */
    static final double MIN_SOURCE_CONTRAST = 10;
    /** A digit-free strip must be at least this many pixels on each side to serve as background. */
    static final int MIN_STRIP = 3;
    /** The source margin blended around each pasted box, as a share of the box height. */
    private static final double FEATHER = 0.12;
    /** How far each digit's mean brightness moves towards the number's mean: mild, not equalised. */
    private static final double BRIGHTNESS_MATCH = 0.4;
    /**
     * How far the brightness along each box's edge (the digit's own plate or wall) moves towards the
     * background under it, so pasted boxes do not all read as separate plates.
     */
    private static final double PLATE_MATCH = 0.4;

    private final List<SourcePhoto> photos;
    /** Usable digit cuts by label. */
    private final List<List<Cut>> cutsByLabel = new ArrayList<>();
    private final int[] cutHeights;
    private final int[] labelsWithCuts;
    /** Indices of photos that have a digit-free strip. */
    private final int[] backgroundPhotos;
    private final String sourceIdentity;

    /** A digit box of a source photo, clipped to the photo. */
    private record Cut(int photo, int boxIndex, int label, Box box) {
    }

    /** A decoded train photo, its clipped digit boxes and its digit-free strips. */
    private record SourcePhoto(Mat image, List<Box> boxes, double[] contrast, List<Box> strips, int medianDigitHeight) {
    }

    /**
     * Reads {@code realFolder/labels.csv}, refuses it if it names any photo that is not a train photo of
     * {@code splitFile}, then decodes the train photos it names (on all cores).
     */
    public RealDigitRecomposer(Path realFolder, Path splitFile) {
        RealPhotoSplit split = RealPhotoSplit.load(splitFile);
        AnnotatedDataset real = AnnotatedDataset.load(realFolder, false);
        String labels = real.root().resolve(AnnotatedDataset.LABELS_FILE).toString();
        // The gate comes before any decoding: a refused set reads no pixels at all.
        for (AnnotatedImage image : real.images()) {
            split.requireTrain(image.file(), labels);
        }
        List<AnnotatedImage> images = real.images();
        photos = IntStream.range(0, images.size()).parallel()
                .mapToObj(i -> source(ImageDecoder.read(images.get(i).file()), images.get(i))).toList();
        sourceIdentity = real.identity() + ", split " + split;

        for (int label = 0; label < 10; label++) {
            cutsByLabel.add(new ArrayList<>());
        }
        List<Integer> heights = new ArrayList<>();
        List<Integer> backgrounds = new ArrayList<>();
        for (int p = 0; p < photos.size(); p++) {
            SourcePhoto photo = photos.get(p);
            List<DigitBox> digits = images.get(p).digits();
            for (int d = 0; d < digits.size(); d++) {
                Box clipped = photo.boxes().get(d);
                Box original = digits.get(d).box();
                if (clipped != null && clipped.height() >= MIN_SOURCE_HEIGHT && clipped.width() >= 2
                        && photo.contrast()[d] >= MIN_SOURCE_CONTRAST
                        && 2L * clipped.width() * clipped.height() >= (long) original.width() * original.height()) {
                    cutsByLabel.get(digits.get(d).label()).add(new Cut(p, d, digits.get(d).label(), clipped));
                    heights.add(clipped.height());
                }
            }
            if (!photo.strips().isEmpty()) {
                backgrounds.add(p);
            }
        }
        if (heights.isEmpty()) {
            throw new DataException(labels + ": no digit box is at least " + MIN_SOURCE_HEIGHT
                    + " px tall, mostly inside its photo and of visible contrast, nothing to recompose");
        }
        if (backgrounds.isEmpty()) {
            throw new DataException(labels + ": no photo has a digit-free strip of at least " + MIN_STRIP + "x" + MIN_STRIP
                    + " px for backgrounds");
        }
        cutHeights = heights.stream().mapToInt(Integer::intValue).toArray();
        labelsWithCuts = IntStream.range(0, 10).filter(l -> !cutsByLabel.get(l).isEmpty()).toArray();
        backgroundPhotos = backgrounds.stream().mapToInt(Integer::intValue).toArray();
    }

    private static SourcePhoto source(Mat image, AnnotatedImage annotated) {
        int w = image.cols();
        int h = image.rows();
        List<Box> boxes = new ArrayList<>();
        int left = w;
        int top = h;
        int right = 0;
        int bottom = 0;
        List<Integer> heights = new ArrayList<>();
        for (DigitBox d : annotated.digits()) {
            Box clipped = clip(d.box(), w, h);
            boxes.add(clipped);
            if (clipped != null) {
                left = Math.min(left, clipped.left());
                top = Math.min(top, clipped.top());
                right = Math.max(right, clipped.right());
                bottom = Math.max(bottom, clipped.bottom());
                heights.add(clipped.height());
            }
        }
        List<Box> strips = new ArrayList<>();
        if (!heights.isEmpty()) {
            // The four regions beside the union of the digits hold no digit.
            addStrip(strips, 0, 0, left, h);
            addStrip(strips, right, 0, w - right, h);
            addStrip(strips, 0, 0, w, top);
            addStrip(strips, 0, bottom, w, h - bottom);
        }
        int median = heights.isEmpty() ? 1 : heights.stream().sorted().toList().get(heights.size() / 2);
        double[] contrast = new double[boxes.size()];
        try (Mat gray = new Mat()) {
            cvtColor(image, gray, COLOR_BGR2GRAY);
            for (int i = 0; i < boxes.size(); i++) {
                Box b = boxes.get(i);
                if (b != null) {
                    try (Rect rect = new Rect(b.left(), b.top(), b.width(), b.height()); Mat roi = new Mat(gray, rect);
                         Mat mean = new Mat(); Mat std = new Mat()) {
                        meanStdDev(roi, mean, std);
                        try (DoubleIndexer deviation = std.createIndexer()) {
                            contrast[i] = deviation.get(0);
                        }
                    }
                }
            }
        }
        return new SourcePhoto(image, boxes, contrast, strips, median);
    }

    private static void addStrip(List<Box> strips, int left, int top, int width, int height) {
        if (width >= MIN_STRIP && height >= MIN_STRIP) {
            strips.add(new Box(left, top, width, height));
        }
    }

    /** The part of {@code box} inside a w x h image, or null when none is. */
    static Box clip(Box box, int w, int h) {
        int left = Math.max(0, box.left());
        int top = Math.max(0, box.top());
        int right = Math.min(w, box.right());
        int bottom = Math.min(h, box.bottom());
        return right > left && bottom > top ? new Box(left, top, right - left, bottom - top) : null;
    }

    /** Train photos read. */
    public int photoCount() {
        return photos.size();
    }

    /** Digit boxes usable as cuts. */
    public int cutCount() {
        return cutHeights.length;
    }

    /** The labels file (path and hash) and the split file the sources came from, for a manifest. */
    public String sourceIdentity() {
        return sourceIdentity;
    }

    @Override
    public StreetNumberGenerator.Example generate(long seed, long index) {
        Random r = new Random(SeedStreams.derive(seed, index));
        int length = LENGTHS.draw(r);
        int digitHeight = Math.max(MIN_DIGIT_HEIGHT, Math.min(MAX_DIGIT_HEIGHT,
                (int) Math.round(cutHeights[r.nextInt(cutHeights.length)] * (0.9 + 0.2 * r.nextDouble()))));

        // Choose the digits and lay them out left to right on a common height.
        Cut[] cuts = new Cut[length];
        int[] lefts = new int[length];
        int[] tops = new int[length];
        int[] widths = new int[length];
        int[] heights = new int[length];
        double gapBase = digitHeight * (-0.02 + 0.14 * r.nextDouble());
        int x = 0;
        int minTop = Integer.MAX_VALUE;
        int maxBottom = Integer.MIN_VALUE;
        for (int i = 0; i < length; i++) {
            cuts[i] = drawCut(r, i == 0, digitHeight);
            Box b = cuts[i].box();
            heights[i] = Math.max(4, (int) Math.round(digitHeight * (1 + 0.06 * (2 * r.nextDouble() - 1))));
            widths[i] = Math.max(2, (int) Math.round((double) b.width() * heights[i] / b.height()));
            tops[i] = (int) Math.round((digitHeight - heights[i]) / 2.0 + 0.03 * digitHeight * r.nextGaussian());
            if (i > 0) {
                x += (int) Math.round(gapBase + 0.03 * digitHeight * (2 * r.nextDouble() - 1));
            }
            lefts[i] = x;
            x += widths[i];
            minTop = Math.min(minTop, tops[i]);
            maxBottom = Math.max(maxBottom, tops[i] + heights[i]);
        }
        int minLeft = Arrays.stream(lefts).min().orElse(0);
        int maxRight = 0;
        for (int i = 0; i < length; i++) {
            maxRight = Math.max(maxRight, lefts[i] + widths[i]);
        }
        // Margins like an SVHN photo's: the photo is about 1.6 digit heights tall, wider than the number.
        int marginLeft = (int) Math.round(digitHeight * (0.3 + 0.9 * r.nextDouble()));
        int marginRight = (int) Math.round(digitHeight * (0.3 + 0.9 * r.nextDouble()));
        int marginTop = (int) Math.round(digitHeight * (0.15 + 0.45 * r.nextDouble()));
        int marginBottom = (int) Math.round(digitHeight * (0.15 + 0.45 * r.nextDouble()));
        int width = marginLeft + (maxRight - minLeft) + marginRight;
        int height = marginTop + (maxBottom - minTop) + marginBottom;

        byte[] canvas = new byte[width * height * 3];
        paintBackground(r, canvas, width, height, digitHeight);

        // Read each digit's patch, then match brightness mildly towards the number's mean.
        Patch[] patches = new Patch[length];
        double meanOfMeans = 0;
        for (int i = 0; i < length; i++) {
            patches[i] = patch(cuts[i], widths[i], heights[i]);
            meanOfMeans += patches[i].meanInBox / length;
        }
        // The background along each box's edge, read before any digit covers it.
        double[][] under = new double[length][];
        for (int i = 0; i < length; i++) {
            under[i] = edgeMean(canvas, width, marginLeft + lefts[i] - minLeft, marginTop + tops[i] - minTop,
                    widths[i], heights[i]);
        }
        boolean[] digitPixel = new boolean[width * height];
        List<DigitBox> boxes = new ArrayList<>(length);
        for (int i = 0; i < length; i++) {
            int boxLeft = marginLeft + lefts[i] - minLeft;
            int boxTop = marginTop + tops[i] - minTop;
            // One offset for all three channels: brightness moves, the digits' colours and contrast stay.
            double beta = BRIGHTNESS_MATCH * (meanOfMeans - patches[i].meanInBox)
                    + PLATE_MATCH * (luminance(under[i]) - luminance(patches[i].edgeMean()));
            paste(patches[i], canvas, digitPixel, width, height, boxLeft, boxTop, beta);
            boxes.add(new DigitBox(cuts[i].label(), new Box(boxLeft, boxTop, widths[i], heights[i])));
        }
        Mat image = new Mat(height, width, CV_8UC3);
        image.data().put(canvas);
        return new StreetNumberGenerator.Example(image, boxes);
    }

    /** A digit of the wanted label; house numbers rarely start with 0; prefers sources not much smaller than the target. */
    private Cut drawCut(Random r, boolean first, int digitHeight) {
        int label;
        do {
            label = labelsWithCuts[r.nextInt(labelsWithCuts.length)];
        } while (first && label == 0 && labelsWithCuts.length > 1 && r.nextDouble() < 0.97);
        List<Cut> pool = cutsByLabel.get(label);
        Cut cut = pool.get(r.nextInt(pool.size()));
        // Upscaling a tiny digit a lot only blurs it: try twice more for a source at least half as tall.
        for (int attempt = 0; attempt < 2 && cut.box().height() * 2 < digitHeight; attempt++) {
            cut = pool.get(r.nextInt(pool.size()));
        }
        return cut;
    }

    /**
     * A digit-free strip of a random train photo, scaled as its own digits would be to this number's
     * height; along an axis where it is under half the size needed it is stretched, otherwise mirror-tiled.
     */
    private void paintBackground(Random r, byte[] canvas, int width, int height, int digitHeight) {
        SourcePhoto photo = photos.get(backgroundPhotos[r.nextInt(backgroundPhotos.length)]);
        long total = photo.strips().stream().mapToLong(s -> (long) s.width() * s.height()).sum();
        long pick = (long) (r.nextDouble() * total);
        Box strip = photo.strips().get(photo.strips().size() - 1);
        for (Box s : photo.strips()) {
            pick -= (long) s.width() * s.height();
            if (pick < 0) {
                strip = s;
                break;
            }
        }
        double scale = Math.max(0.25, Math.min(6.0, (double) digitHeight / photo.medianDigitHeight()));
        int cropW = Math.min(strip.width(), (int) Math.ceil(width / scale));
        int cropH = Math.min(strip.height(), (int) Math.ceil(height / scale));
        int cropX = strip.left() + r.nextInt(strip.width() - cropW + 1);
        int cropY = strip.top() + r.nextInt(strip.height() - cropH + 1);
        int scaledW = Math.max(1, (int) Math.round(cropW * scale));
        int scaledH = Math.max(1, (int) Math.round(cropH * scale));
        int tileW = scaledW * 2 < width ? width : scaledW;
        int tileH = scaledH * 2 < height ? height : scaledH;
        byte[] tile = resized(photo.image(), new Rect(cropX, cropY, cropW, cropH), tileW, tileH);
        int phaseX = tileW >= width ? r.nextInt(tileW - width + 1) : r.nextInt(2 * tileW);
        int phaseY = tileH >= height ? r.nextInt(tileH - height + 1) : r.nextInt(2 * tileH);
        for (int y = 0; y < height; y++) {
            int sy = mirror(y + phaseY, tileH);
            for (int xx = 0; xx < width; xx++) {
                int sx = mirror(xx + phaseX, tileW);
                System.arraycopy(tile, (sy * tileW + sx) * 3, canvas, (y * width + xx) * 3, 3);
            }
        }
    }

    /** Index {@code i} folded into 0..n-1 by mirroring at the edges (period 2n). */
    static int mirror(int i, int n) {
        int p = Math.floorMod(i, 2 * n);
        return p < n ? p : 2 * n - 1 - p;
    }

    /** A resized source region: the box, its feather margin, and where the box and other digits lie in it. */
    private record Patch(byte[] pixels, int width, int height, int boxLeft, int boxTop, int boxWidth, int boxHeight,
                         int feather, List<int[]> otherDigits, double meanInBox, double[] edgeMean) {
    }

    private Patch patch(Cut cut, int boxWidth, int boxHeight) {
        SourcePhoto photo = photos.get(cut.photo());
        Box b = cut.box();
        int margin = Math.max(1, (int) Math.round(FEATHER * b.height()));
        int el = Math.max(0, b.left() - margin);
        int et = Math.max(0, b.top() - margin);
        int er = Math.min(photo.image().cols(), b.right() + margin);
        int eb = Math.min(photo.image().rows(), b.bottom() + margin);
        double sx = (double) boxWidth / b.width();
        double sy = (double) boxHeight / b.height();
        int ml = (int) Math.round((b.left() - el) * sx);
        int mt = (int) Math.round((b.top() - et) * sy);
        int mr = (int) Math.round((er - b.right()) * sx);
        int mb = (int) Math.round((eb - b.bottom()) * sy);
        int w = ml + boxWidth + mr;
        int h = mt + boxHeight + mb;
        byte[] pixels = resized(photo.image(), new Rect(el, et, er - el, eb - et), w, h);
        // Neighbouring digits of the source must not show through the margin as unlabelled digits.
        List<int[]> others = new ArrayList<>();
        for (int i = 0; i < photo.boxes().size(); i++) {
            Box o = photo.boxes().get(i);
            if (i == cut.boxIndex() || o == null || o.right() <= el || o.left() >= er || o.bottom() <= et || o.top() >= eb) {
                continue;
            }
            others.add(new int[] {(int) Math.floor((o.left() - el) * sx), (int) Math.floor((o.top() - et) * sy),
                    (int) Math.ceil((o.right() - el) * sx), (int) Math.ceil((o.bottom() - et) * sy)});
        }
        double sum = 0;
        for (int y = mt; y < mt + boxHeight; y++) {
            for (int x = ml; x < ml + boxWidth; x++) {
                int p = (y * w + x) * 3;
                sum += 0.114 * (pixels[p] & 0xff) + 0.587 * (pixels[p + 1] & 0xff) + 0.299 * (pixels[p + 2] & 0xff);
            }
        }
        int feather = Math.max(1, (int) Math.round(margin * sy));
        return new Patch(pixels, w, h, ml, mt, boxWidth, boxHeight, feather, others, sum / ((double) boxWidth * boxHeight),
                edgeMean(pixels, w, ml, mt, boxWidth, boxHeight));
    }

    private static double luminance(double[] bgr) {
        return 0.114 * bgr[0] + 0.587 * bgr[1] + 0.299 * bgr[2];
    }

    /** Per-channel mean of the pixels on the border of a w x h box at (left, top) in a packed BGR image. */
    static double[] edgeMean(byte[] pixels, int stride, int left, int top, int w, int h) {
        double[] sum = new double[3];
        int n = 0;
        for (int y = top; y < top + h; y++) {
            boolean edgeRow = y == top || y == top + h - 1;
            for (int x = left; x < left + w; x += edgeRow || w == 1 ? 1 : w - 1) {
                int p = (y * stride + x) * 3;
                for (int c = 0; c < 3; c++) {
                    sum[c] += pixels[p + c] & 0xff;
                }
                n++;
            }
        }
        for (int c = 0; c < 3; c++) {
            sum[c] /= n;
        }
        return sum;
    }

    /**
     * Blends a patch onto the canvas with its box at (boxLeft, boxTop): the box fully, the margin fading
     * out over {@code feather} pixels, never over another source digit nor over a digit already pasted.
     */
    private static void paste(Patch patch, byte[] canvas, boolean[] digitPixel, int width, int height,
                              int boxLeft, int boxTop, double beta) {
        int originX = boxLeft - patch.boxLeft();
        int originY = boxTop - patch.boxTop();
        int boxRight = patch.boxLeft() + patch.boxWidth();
        int boxBottom = patch.boxTop() + patch.boxHeight();
        for (int py = 0; py < patch.height(); py++) {
            int y = originY + py;
            if (y < 0 || y >= height) {
                continue;
            }
            int dy = py < patch.boxTop() ? patch.boxTop() - py : py >= boxBottom ? py - boxBottom + 1 : 0;
            for (int px = 0; px < patch.width(); px++) {
                int x = originX + px;
                if (x < 0 || x >= width) {
                    continue;
                }
                int dx = px < patch.boxLeft() ? patch.boxLeft() - px : px >= boxRight ? px - boxRight + 1 : 0;
                int distance = Math.max(dx, dy);
                double alpha;
                if (distance == 0) {
                    alpha = 1;
                    digitPixel[y * width + x] = true;
                } else {
                    if (digitPixel[y * width + x] || insideAny(patch.otherDigits(), px, py)) {
                        continue;
                    }
                    alpha = 1 - (double) distance / (patch.feather() + 1);
                    if (alpha <= 0) {
                        continue;
                    }
                }
                int s = (py * patch.width() + px) * 3;
                int d = (y * width + x) * 3;
                for (int c = 0; c < 3; c++) {
                    double v = (patch.pixels()[s + c] & 0xff) + beta;
                    double blended = alpha * v + (1 - alpha) * (canvas[d + c] & 0xff);
                    canvas[d + c] = (byte) Math.max(0, Math.min(255, (int) Math.round(blended)));
                }
            }
        }
    }

    private static boolean insideAny(List<int[]> rects, int x, int y) {
        for (int[] q : rects) {
            if (x >= q[0] && x < q[2] && y >= q[1] && y < q[3]) {
                return true;
            }
        }
        return false;
    }

    /** A region of a BGR photo resized to w x h, as packed BGR bytes. */
    private static byte[] resized(Mat image, Rect region, int w, int h) {
        byte[] out = new byte[w * h * 3];
        try (Mat roi = new Mat(image, region); Mat dst = new Mat()) {
            boolean shrinking = w < region.width() && h < region.height();
            resize(roi, dst, new Size(w, h), 0, 0, shrinking ? INTER_AREA : INTER_LINEAR);
            Mat packed = dst.isContinuous() ? dst : dst.clone();
            packed.data().get(out);
        } finally {
            region.close();
        }
        return out;
    }
}
