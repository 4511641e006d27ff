package dev.streetnum.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.TestData;
import dev.streetnum.model.TestBundles;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lines {@code evaluate} prints for a person (and for scripts that grep them), read from an untrained
 * TINY bundle: it answers no photo at the 98% threshold, so every draw of the recalibration answers nothing.
 */
class EvaluateSummaryTest {

    @TempDir
    static Path dir;
    static Path model;
    static Path test;
    static Path val;

    @BeforeAll
    static void sets() {
        model = TestBundles.tinyBundleFile(dir);
        test = TestData.generatedSet(dir.resolve("test"), 6, 71);
        val = TestData.generatedSet(dir.resolve("val"), 6, 72);
    }

    private static String summary(String... more) {
        StringWriter stdout = new StringWriter();
        List<String> args = new ArrayList<>(List.of("--model", model.toString(), "--engine", "dl4j",
                "--data", test.toString(), "--val", val.toString(), "--out", dir.resolve("out").toString(),
                "--batch-size", "6"));
        args.addAll(List.of(more));
        assertEquals(0, EvaluateEndToEndTest.evaluate(stdout, args.toArray(String[]::new)), stdout.toString());
        return stdout.toString();
    }

    private static String line(String summary, String start) {
        return summary.lines().filter(l -> l.startsWith(start)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting '" + start + "': " + summary));
    }

    @Test
    void drawsThatAnswerNothingSaySoRatherThanAnEmptyAccuracy() throws IOException {
        String line = line(summary(), "with the threshold chosen again");
        assertFalse(line.contains("accuracy there,"), line);
        assertTrue(line.endsWith("nothing answered in any draw"), line);
        String page = Files.readString(dir.resolve("out").resolve(ReportWriter.INDEX_HTML));
        assertTrue(page.contains("operating point answers nothing in any draw: how far"), page);
    }

    @Test
    void oneImageIsCountedInTheSingular() {
        String test = line(summary("--limit", "1"), "test: ");
        assertTrue(test.startsWith("test: 1 image, sequence accuracy "), test);
    }

    @Test
    void numbersHaveADecimalPointWhateverTheDefaultLocale() {
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.GERMANY);
        String summary;
        try {
            summary = summary();
        } finally {
            Locale.setDefault(before);
        }
        String aurc = line(summary, "risk-coverage area (AURC) on test: ");
        assertTrue(aurc.matches("risk-coverage area \\(AURC\\) on test: \\d\\.\\d{4}( \\[\\d\\.\\d{4}, \\d\\.\\d{4}])?"),
                aurc);
        String test = line(summary, "test: ");
        assertFalse(test.matches(".*\\d,\\d.*"), test);
    }
}
