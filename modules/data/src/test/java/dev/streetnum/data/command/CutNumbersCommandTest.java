package dev.streetnum.data.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.AnnotatedImage;
import dev.streetnum.data.Box;
import dev.streetnum.data.DigitBox;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CutNumbersCommandTest {

    /**
     * A 3-digit number gives four cuts (one or two digits off either end), each the kept digits' bounds
     * (from their corners) with the whole number as label; one digit, and a number whose rows repeat one
     * box, give none.
     */
    @Test
    void everyCutOfEveryNumberWithTheWholeLabel(@TempDir Path dir) throws Exception {
        Path set = Files.createDirectories(dir.resolve("set"));
        List<DigitBox> digits = List.of(new DigitBox(2, new Box(5, 8, 10, 20)), new DigitBox(7, new Box(18, 6, 11, 22)),
                new DigitBox(2, new Box(32, 9, 10, 19)));
        Box repeated = new Box(5, 5, 30, 20);
        AnnotatedDataset.write(set.resolve("labels.csv"), List.of(
                new AnnotatedImage(CheckLabelsCommandTest.photo(set, "a.png"), digits),
                new AnnotatedImage(CheckLabelsCommandTest.photo(set, "b.png"),
                        List.of(new DigitBox(4, new Box(5, 5, 10, 20)))),
                new AnnotatedImage(CheckLabelsCommandTest.photo(set, "c.png"),
                        List.of(new DigitBox(3, repeated), new DigitBox(1, repeated)))));
        Path out = dir.resolve("cuts");
        int exit = new CommandLine(new CutNumbersCommand()).execute("--data", set.toString(), "--out", out.toString());
        assertEquals(0, exit);

        AnnotatedDataset cuts = AnnotatedDataset.load(out, false);
        Map<String, Box> expected = new HashMap<>();
        expected.put("a.cut-first-1.png", bounds(digits.subList(1, 3)));
        expected.put("a.cut-first-2.png", bounds(digits.subList(2, 3)));
        expected.put("a.cut-last-1.png", bounds(digits.subList(0, 2)));
        expected.put("a.cut-last-2.png", bounds(digits.subList(0, 1)));
        assertEquals(expected.size(), cuts.size());
        for (AnnotatedImage cut : cuts.images()) {
            String name = cuts.nameOf(cut);
            assertEquals(expected.get(name), cut.region(), name);
            assertEquals("272", cut.number(), name);
            assertEquals(set.resolve("a.png").toRealPath(), cut.file().toRealPath(), name + " links to the photo");
            assertEquals(java.util.Optional.of("a.png"), dev.streetnum.data.NumberCut.photoOf(name), name);
        }
    }

    @Test
    void writingOverItsOwnDataIsRefusedWithASentence(@TempDir Path dir) throws Exception {
        Path set = Files.createDirectories(dir.resolve("set"));
        AnnotatedDataset.write(set.resolve("labels.csv"), List.of(new AnnotatedImage(CheckLabelsCommandTest.photo(set, "a.png"),
                List.of(new DigitBox(1, new Box(5, 5, 10, 20)), new DigitBox(2, new Box(16, 5, 10, 20))))));
        String before = Files.readString(set.resolve("labels.csv"));
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new CutNumbersCommand());
        cli.setErr(new PrintWriter(err));
        cli.setExecutionExceptionHandler((e, line, parsed) -> CommandErrors.report(e, line, "cut-numbers",
                org.slf4j.LoggerFactory.getLogger(CutNumbersCommandTest.class)));
        int exit = cli.execute("--data", set.toString(), "--out", set.toString());
        assertEquals(CommandErrors.BAD_INPUT, exit);
        assertTrue(err.toString().contains("--out must not be --data's folder"), err.toString());
        assertEquals(before, Files.readString(set.resolve("labels.csv")));
    }

    /** The summary names --data and --out as they were typed, as every command names its paths. */
    @Test
    void theSummaryNamesThePathsAsGiven(@TempDir Path dir) throws Exception {
        Path set = Files.createDirectories(dir.resolve("set"));
        AnnotatedDataset.write(set.resolve("labels.csv"), List.of(new AnnotatedImage(CheckLabelsCommandTest.photo(set, "a.png"),
                List.of(new DigitBox(1, new Box(5, 5, 10, 20)), new DigitBox(2, new Box(16, 5, 10, 20))))));
        Path data = relativeToWorkingFolder(set);
        Path out = relativeToWorkingFolder(dir).resolve("cuts");
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new CutNumbersCommand());
        cli.setErr(new PrintWriter(err, true));

        assertEquals(0, cli.execute("--data", data.toString(), "--out", out.toString()));

        assertEquals("2 cuts of 1 number (of 1 in " + data + ") -> " + out.resolve("labels.csv")
                + System.lineSeparator(), err.toString());
    }

    /**
     * {@code folder} as a relative path from the working folder, as a user types it (from the real paths of
     * both, so that the operating system reads its ".." as Path does).
     */
    static Path relativeToWorkingFolder(Path folder) throws java.io.IOException {
        Path relative = Path.of("").toRealPath().relativize(folder.toRealPath());
        assertTrue(!relative.isAbsolute() && Files.isSameFile(relative, folder), relative.toString());
        return relative;
    }

    /** The smallest box holding the digits' boxes, from their corners. */
    private static Box bounds(List<DigitBox> digits) {
        int left = digits.stream().mapToInt(d -> d.box().left()).min().orElseThrow();
        int top = digits.stream().mapToInt(d -> d.box().top()).min().orElseThrow();
        int right = digits.stream().mapToInt(d -> d.box().left() + d.box().width()).max().orElseThrow();
        int bottom = digits.stream().mapToInt(d -> d.box().top() + d.box().height()).max().orElseThrow();
        return new Box(left, top, right - left, bottom - top);
    }
}
