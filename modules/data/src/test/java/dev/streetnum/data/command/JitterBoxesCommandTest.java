package dev.streetnum.data.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.AnnotatedImage;
import dev.streetnum.data.Box;
import dev.streetnum.data.BoxJitter;
import dev.streetnum.data.DigitBox;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class JitterBoxesCommandTest {

    /**
     * Each photo keeps its label and its link, and its number's box is the union of its digit boxes moved
     * as BoxJitter moves photo i of the set; the folder of --data is refused as --out.
     */
    @Test
    void everyPhotoKeepsItsLabelWithItsNumbersBoxMoved(@TempDir Path dir) throws Exception {
        Path set = Files.createDirectories(dir.resolve("set"));
        List<DigitBox> digits = List.of(new DigitBox(2, new Box(5, 8, 10, 20)), new DigitBox(7, new Box(18, 6, 11, 22)));
        AnnotatedDataset.write(set.resolve("labels.csv"), List.of(
                new AnnotatedImage(CheckLabelsCommandTest.photo(set, "a.png"), digits),
                new AnnotatedImage(CheckLabelsCommandTest.photo(set, "b.png"),
                        List.of(new DigitBox(4, new Box(30, 5, 10, 20))))));
        Path out = dir.resolve("moved");
        assertEquals(0, new CommandLine(new JitterBoxesCommand()).execute("--data", set.toString(), "--out",
                out.toString(), "--amount", "0.3", "--seed", "4"));

        AnnotatedDataset moved = AnnotatedDataset.load(out, false);
        assertEquals(2, moved.size());
        AnnotatedImage a = moved.images().get(0);
        assertEquals("27", a.number());
        // The union of the two digit boxes, worked by hand: left 5, top 6, right 29, bottom 28.
        Box union = new Box(5, 6, 24, 22);
        assertEquals(new BoxJitter(0.3, 4).apply(union, 0), a.region());
        assertNotEquals(union, a.region(), "a share of 0.3 moves the box");
        assertEquals(set.resolve("a.png").toRealPath(), a.file().toRealPath());
        AnnotatedImage b = moved.images().get(1);
        assertEquals("4", b.number());
        assertEquals(new BoxJitter(0.3, 4).apply(new Box(30, 5, 10, 20), 1), b.region());

        String before = Files.readString(set.resolve("labels.csv"));
        StringWriter err = new StringWriter();
        assertEquals(CommandErrors.BAD_INPUT, refused(err, "--data", set.toString(), "--out", set.toString(),
                "--amount", "0.1"));
        assertTrue(err.toString().contains("--out must not be --data's folder"), err.toString());
        assertEquals(before, Files.readString(set.resolve("labels.csv")), "--data's labels are untouched");
        assertEquals(CommandErrors.BAD_INPUT, refused(err, "--data", set.toString(), "--out", out.toString(),
                "--amount", "1.5"));
        assertTrue(err.toString().contains("in [0, 1), got 1.5"), err.toString());
    }

    /** The summary names --data and --out as they were typed, as every command names its paths. */
    @Test
    void theSummaryNamesThePathsAsGiven(@TempDir Path dir) throws Exception {
        Path set = Files.createDirectories(dir.resolve("set"));
        AnnotatedDataset.write(set.resolve("labels.csv"), List.of(new AnnotatedImage(CheckLabelsCommandTest.photo(set, "a.png"),
                List.of(new DigitBox(4, new Box(30, 5, 10, 20))))));
        Path data = CutNumbersCommandTest.relativeToWorkingFolder(set);
        Path out = CutNumbersCommandTest.relativeToWorkingFolder(dir).resolve("moved");
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new JitterBoxesCommand());
        cli.setErr(new PrintWriter(err, true));

        assertEquals(0, cli.execute("--data", data.toString(), "--out", out.toString(), "--amount", "0.1"));

        String line = err.toString();
        assertTrue(line.startsWith("1 box of " + data + " moved by up to 0.1 of their sides (seed 1)"), line);
        assertTrue(line.endsWith(" -> " + out.resolve("labels.csv") + System.lineSeparator()), line);
    }

    private static int refused(StringWriter err, String... args) {
        CommandLine cli = new CommandLine(new JitterBoxesCommand());
        cli.setErr(new PrintWriter(err));
        cli.setExecutionExceptionHandler((e, line, parsed) -> CommandErrors.report(e, line, "jitter-boxes",
                org.slf4j.LoggerFactory.getLogger(JitterBoxesCommandTest.class)));
        return cli.execute(args);
    }
}
