package dev.streetnum.data.command;

import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.AnnotatedImage;
import dev.streetnum.data.AnnotationGap;
import dev.streetnum.data.Box;
import dev.streetnum.data.DataException;
import dev.streetnum.data.DigitBox;
import dev.streetnum.data.ImageDecoder;
import dev.streetnum.data.Noun;
import dev.streetnum.data.SampleSheet;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVPrinter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code streetnum check-labels}: annotations that may leave a digit out, listed and drawn for review. */
@Command(name = "check-labels", mixinStandardHelpOptions = true,
        description = "Lists the photos of a labelled set whose annotation leaves a digit-wide gap between two "
                + "neighbouring digit boxes (a digit it may leave out, as SVHN's \"164\" labelled 14): "
                + "OUT/gaps.csv and OUT/gaps.png, the photos with their boxes, for a person to look at. "
                + "With --review-sheets, every photo of the set is drawn too, 40 to a sheet (OUT/review-01.png, ...), "
                + "for labels no box can show wrong: a label that names part of the number, its other digits "
                + "unboxed (models/README.md, R48). Changes no label.")
public final class CheckLabelsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    static final String GAPS_CSV = "gaps.csv";
    static final String GAPS_PNG = "gaps.png";
    static final List<String> COLUMNS = List.of("file", "label", "gap_after_digit", "excess_digit_widths");
    /** Photos drawn on the sheet: the CSV lists them all. */
    static final int SHEET_TILES = 96;
    /** Photos on each review sheet: few enough that a person reads every caption. */
    static final int REVIEW_TILES = 40;
    static final String REVIEW_PNG = "review-%02d.png";
    /** A tile shows the number's box grown this much about its centre. */
    private static final double VIEW_SCALE = 2.0;
    /** ...and at least this much wider than high, so a narrow number's caption fits under its tile. */
    private static final double VIEW_MIN_ASPECT = 1.6;

    @Option(names = "--data", required = true, paramLabel = "DIR",
            description = "A labelled set: a folder with labels.csv, or the CSV.")
    Path data;

    @Option(names = "--out", required = true, paramLabel = "OUT", description = "Folder for gaps.csv and gaps.png.")
    Path out;

    @Option(names = "--review-sheets", description = "Also draw every photo, its number's surroundings with its boxes"
            + " and its file and label, " + REVIEW_TILES + " to a sheet: OUT/review-01.png and on.")
    boolean reviewSheets;

    @Override
    public Integer call() {
        AnnotatedDataset set = AnnotatedDataset.load(data, false);
        List<AnnotationGap> gaps = AnnotationGap.findAll(set);
        writeCsv(set, gaps, out.resolve(GAPS_CSV));
        writeSheet(gaps.subList(0, Math.min(SHEET_TILES, gaps.size())),
                g -> aroundTheNumber(g.image(), g.image().number() + " gap after " + (g.after() + 1)),
                out.resolve(GAPS_PNG));
        int sheets = reviewSheets ? writeReviewSheets(set) : 0;
        PrintWriter err = spec.commandLine().getErr();
        err.printf(Locale.ROOT, "%d of %s (%.1f%%) have an annotation with a gap of more than %.1f digit"
                        + " widths between neighbouring digit boxes: %s, %s%n", gaps.size(),
                Noun.regular("photo").count(set.size()),
                100.0 * gaps.size() / set.size(), AnnotationGap.SUSPECT_DIGIT_WIDTHS, out.resolve(GAPS_CSV),
                out.resolve(GAPS_PNG));
        if (reviewSheets) {
            err.printf(Locale.ROOT, "every photo drawn on %s: %s ...%n", Noun.regular("review sheet").count(sheets),
                    out.resolve(String.format(Locale.ROOT, REVIEW_PNG, 1)));
        }
        return 0;
    }

    /** Every photo of the set, in its order, on sheets of {@link #REVIEW_TILES}; returns how many sheets. */
    private int writeReviewSheets(AnnotatedDataset set) {
        List<AnnotatedImage> images = set.images();
        int sheets = (images.size() + REVIEW_TILES - 1) / REVIEW_TILES;
        for (int s = 0; s < sheets; s++) {
            // Decoded a sheet at a time, so a large set never holds more than one sheet of photos.
            List<AnnotatedImage> page = images.subList(s * REVIEW_TILES, Math.min(images.size(), (s + 1) * REVIEW_TILES));
            writeSheet(page, image -> aroundTheNumber(image, set.nameOf(image) + ": " + image.number()),
                    out.resolve(String.format(Locale.ROOT, REVIEW_PNG, s + 1)));
        }
        return sheets;
    }

    private static void writeCsv(AnnotatedDataset set, List<AnnotationGap> gaps, Path csv) {
        try {
            Files.createDirectories(csv.toAbsolutePath().getParent());
            try (Writer writer = Files.newBufferedWriter(csv, StandardCharsets.UTF_8);
                 CSVPrinter printer = AnnotatedDataset.WRITE_FORMAT.print(writer)) {
                printer.printRecord(COLUMNS);
                for (AnnotationGap gap : gaps) {
                    printer.printRecord(set.nameOf(gap.image()), gap.image().number(), gap.after() + 1,
                            String.format(Locale.ROOT, "%.2f", gap.excessDigitWidths()));
                }
            }
        } catch (IOException e) {
            throw new DataException("cannot write " + csv + ": " + e.getMessage(), e);
        }
    }

    /** One tile per item, drawn on one sheet; every tile's image closed whatever happens. */
    private static <T> void writeSheet(List<T> items, java.util.function.Function<T, SampleSheet.Tile> tile, Path png) {
        List<SampleSheet.Tile> tiles = new ArrayList<>();
        try {
            for (T item : items) {
                tiles.add(tile.apply(item));
            }
            SampleSheet.write(png, tiles);
        } finally {
            tiles.forEach(t -> t.image().close());
        }
    }

    /** The photo cut round the number (digits are small in a whole SVHN photo), its boxes moved along. */
    private static SampleSheet.Tile aroundTheNumber(AnnotatedImage image, String caption) {
        try (Mat photo = ImageDecoder.read(image.file())) {
            Box around = image.region().scaled(VIEW_SCALE);
            Box view = Box.centredAt(around.left() + around.width() / 2.0, around.top() + around.height() / 2.0,
                    Math.max(around.width(), VIEW_MIN_ASPECT * around.height()), around.height())
                    .visibleIn(photo.cols(), photo.rows());
            if (view == null) {
                view = new Box(0, 0, photo.cols(), photo.rows());
            }
            List<Box> boxes = new ArrayList<>();
            for (DigitBox d : image.digits()) {
                Box b = d.box();
                boxes.add(new Box(b.left() - view.left(), b.top() - view.top(), b.width(), b.height()));
            }
            try (Rect rect = new Rect(view.left(), view.top(), view.width(), view.height());
                 Mat inside = new Mat(photo, rect)) {
                return new SampleSheet.Tile(inside.clone(), boxes, caption);
            }
        }
    }
}
