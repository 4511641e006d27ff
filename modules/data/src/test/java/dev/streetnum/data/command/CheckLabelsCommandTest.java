package dev.streetnum.data.command;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.AnnotatedImage;
import dev.streetnum.data.Box;
import dev.streetnum.data.DigitBox;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CheckLabelsCommandTest {

    /** A plain 80x40 photo written as {@code folder/name}. */
    static Path photo(Path folder, String name) {
        try (Mat m = new Mat(40, 80, CV_8UC3, new Scalar(120, 130, 140, 0))) {
            Path file = folder.resolve(name);
            assertTrue(imwrite(file.toString(), m));
            return file;
        }
    }

    private static AnnotatedImage number(Path folder, String name, int... lefts) {
        List<DigitBox> digits = new ArrayList<>();
        for (int left : lefts) {
            digits.add(new DigitBox(1, new Box(left, 10, 8, 20)));
        }
        return new AnnotatedImage(photo(folder, name), digits);
    }

    @Test
    void listsAndDrawsTheAnnotationsWithADigitWideGapAndChangesNoLabel(@TempDir Path dir) throws Exception {
        Path set = Files.createDirectories(dir.resolve("set"));
        Path labels = set.resolve("labels.csv");
        AnnotatedDataset.write(labels, List.of(
                number(set, "a.png", 10, 40),           // gap 22 px over widths of 8: 2.75 digit widths
                number(set, "b.png", 10, 19),           // neighbours
                number(set, "c.png", 5, 25, 45, 65),    // evenly spaced
                number(set, "d.png", 5, 14, 40)));      // gaps 1 and 18 px: the second exceeds by 17 / 8
        String before = Files.readString(labels);
        Path out = dir.resolve("out");
        int exit = new CommandLine(new CheckLabelsCommand()).execute("--data", set.toString(), "--out", out.toString());

        assertEquals(0, exit);
        assertEquals(List.of("file,label,gap_after_digit,excess_digit_widths", "a.png,11,1,2.75", "d.png,111,2,2.13"),
                Files.readAllLines(out.resolve(CheckLabelsCommand.GAPS_CSV)));
        BufferedImage sheet = ImageIO.read(out.resolve(CheckLabelsCommand.GAPS_PNG).toFile());
        assertTrue(sheet != null && sheet.getWidth() > 0, "a readable sheet");
        assertEquals(before, Files.readString(labels), "the labels are untouched");
    }

    /**
     * The help names the folders as the other commands do (DIR), and --out as the descriptions do (OUT):
     * check-labels, and the derived-set commands through their shared options.
     */
    @Test
    void theHelpNamesTheFolders() {
        for (Object command : List.of(new CheckLabelsCommand(), new CutNumbersCommand(), new JitterBoxesCommand(),
                new ZoomOutCommand())) {
            String usage = new CommandLine(command).getUsageMessage();
            assertTrue(usage.contains("--data=DIR ") && usage.contains("--out=OUT"), usage);
        }
    }

    /** A set of one photo is counted as one, on one sheet. */
    @Test
    void oneOfEachIsCountedInTheSingular(@TempDir Path dir) throws Exception {
        Path set = Files.createDirectories(dir.resolve("set"));
        AnnotatedDataset.write(set.resolve("labels.csv"), List.of(number(set, "a.png", 10, 40)));
        StringWriter err = new StringWriter();
        assertEquals(0, new CommandLine(new CheckLabelsCommand()).setErr(new PrintWriter(err, true)).execute(
                "--data", set.toString(), "--out", dir.resolve("out").toString(), "--review-sheets"));
        assertTrue(err.toString().startsWith("1 of 1 photo (100.0%) have an annotation with a gap"), err.toString());
        assertTrue(err.toString().contains("every photo drawn on 1 review sheet: "), err.toString());
    }

    /** --review-sheets draws every photo, forty to a sheet; without it, none. */
    @Test
    void everyPhotoOnReviewSheetsWhenAsked(@TempDir Path dir) throws Exception {
        Path set = Files.createDirectories(dir.resolve("set"));
        List<AnnotatedImage> images = new ArrayList<>();
        for (int i = 0; i < CheckLabelsCommand.REVIEW_TILES + 1; i++) {
            images.add(number(set, "p" + i + ".png", 10, 19));
        }
        AnnotatedDataset.write(set.resolve("labels.csv"), images);
        Path plain = dir.resolve("plain");
        assertEquals(0, new CommandLine(new CheckLabelsCommand()).execute("--data", set.toString(), "--out",
                plain.toString()));
        assertTrue(!Files.exists(plain.resolve(String.format(CheckLabelsCommand.REVIEW_PNG, 1))), "none unasked");

        Path out = dir.resolve("out");
        assertEquals(0, new CommandLine(new CheckLabelsCommand()).execute("--data", set.toString(), "--out",
                out.toString(), "--review-sheets"));
        for (int sheet = 1; sheet <= 2; sheet++) {
            BufferedImage png = ImageIO.read(out.resolve(String.format(CheckLabelsCommand.REVIEW_PNG, sheet)).toFile());
            assertTrue(png != null && png.getWidth() > 0, "review sheet " + sheet + " is readable");
        }
        BufferedImage first = ImageIO.read(out.resolve(String.format(CheckLabelsCommand.REVIEW_PNG, 1)).toFile());
        BufferedImage second = ImageIO.read(out.resolve(String.format(CheckLabelsCommand.REVIEW_PNG, 2)).toFile());
        assertTrue(first.getHeight() > second.getHeight(), "forty photos on the first sheet, one on the second");
        assertTrue(!Files.exists(out.resolve(String.format(CheckLabelsCommand.REVIEW_PNG, 3))), "two sheets for 41");
    }
}
