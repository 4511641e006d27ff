package dev.streetnum.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

/**
 * The model card's ablation table (models/README.md) is typed for people, the chart is drawn from
 * models/ablation.csv: both are kept by hand, so this holds them to the same figures. Prose may
 * differ (the card's has markdown), rows may not, and neither may a figure at the precision the card
 * shows it.
 */
class ModelCardAblationTableTest {

    /** The repository root, from this module's folder (where the tests run). */
    private static final Path ROOT = Path.of("../..");
    private static final String HEADER = "| row | change | iterations |";
    /** Card rows for changes that never ran have no figures and no CSV row (r4 says why). */
    private static final String NOT_RUN = "not run";
    /** The CSV's fractions, in the card's column order (after row, change, iterations). */
    private static final List<String> FRACTIONS = List.of("sequence_accuracy",
            "coverage_at_98_val_threshold", "accuracy_at_that_threshold", "best_coverage_at_98");
    private static final Pattern PERCENT = Pattern.compile("(\\d+(?:\\.\\d+)?)%");
    /** The card writes "25,428 (best at 10,800)" where the CSV has 25428. */
    private static final Pattern LEADING_COUNT = Pattern.compile("^(\\d[\\d,]*)");
    /** Fewer means the reading of the table broke, not that the ablation lost its rows. */
    private static final int AT_LEAST = 100;

    @Test
    void theCardsTableShowsExactlyTheRowsAndFiguresOfAblationCsv() throws IOException {
        List<CSVRecord> csv = csvRows();
        // A row too short to hold a figure stays in, so the cell count below reports it.
        List<List<String>> card = cardRows().stream()
                .filter(cells -> cells.size() < 4 || !cells.get(3).startsWith(NOT_RUN)).toList();
        assertTrue(csv.size() >= AT_LEAST, "only " + csv.size() + " rows in models/ablation.csv");
        List<String> names = csv.stream().map(r -> r.get("row")).toList();
        assertEquals(names.size(), Set.copyOf(names).size(),
                "a row name used twice: the chart names its bars by row");
        assertEquals(names, card.stream().map(c -> c.get(0)).toList(),
                "the card's rows, in order, against models/ablation.csv's");

        List<String> disagreements = new ArrayList<>();
        for (int i = 0; i < csv.size(); i++) {
            CSVRecord expected = csv.get(i);
            List<String> cells = card.get(i);
            String row = expected.get("row");
            if (cells.size() != 8) {
                disagreements.add(row + ": " + cells.size() + " cells, the table has 8");
                continue;
            }
            Matcher count = LEADING_COUNT.matcher(cells.get(2));
            if (!count.find() || !count.group(1).replace(",", "").equals(expected.get("iterations"))) {
                disagreements.add(row + ": iterations '" + cells.get(2) + "', CSV " + expected.get("iterations"));
            }
            for (int f = 0; f < FRACTIONS.size(); f++) {
                String shown = cells.get(3 + f);
                String fraction = expected.get(FRACTIONS.get(f));
                if (!percentOf(fraction, shown)) {
                    disagreements.add(row + ": " + FRACTIONS.get(f) + " '" + shown + "', CSV " + fraction);
                }
            }
            String area = expected.get("test_risk_coverage_area");
            String shownArea = cells.get(7);
            if (area.isBlank() ? !shownArea.equals("-") : !shownArea.equals(area)) {
                disagreements.add(row + ": AURC '" + shownArea + "', CSV '" + area + "'");
            }
        }
        assertEquals(List.of(), disagreements, "figures the card and models/ablation.csv disagree on");
    }

    @Test
    void aPercentAgreesWithItsFractionOnlyAtTheShownPrecision() {
        assertTrue(percentOf("0.9891", "98.91%"));
        assertTrue(percentOf("0.9891", "98.9%"));
        assertTrue(percentOf("0.9755", "97.6%"), "half up, as the card rounds");
        assertTrue(percentOf("0.7000", "70.0%"));
        assertTrue(!percentOf("0.9891", "98.92%"));
        assertTrue(!percentOf("0.9891", "99%"), "a whole percent hides too much to count as agreement");
        assertTrue(!percentOf("0.9891", "98.91"));
    }

    /** True when {@code shown} is the fraction as a percentage, rounded half up to its own 1 or 2 places. */
    private static boolean percentOf(String fraction, String shown) {
        Matcher m = PERCENT.matcher(shown);
        if (!m.matches()) {
            return false;
        }
        BigDecimal percent = new BigDecimal(m.group(1));
        if (percent.scale() < 1) {
            return false;
        }
        return new BigDecimal(fraction).movePointRight(2).setScale(percent.scale(), RoundingMode.HALF_UP)
                .equals(percent);
    }

    private static List<CSVRecord> csvRows() throws IOException {
        try (Reader in = Files.newBufferedReader(ROOT.resolve("models/ablation.csv"))) {
            return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(in).getRecords();
        }
    }

    /** The cells of each table row under the header, split on the cell separator (not on "\|"). */
    private static List<List<String>> cardRows() throws IOException {
        List<String> lines = Files.readAllLines(ROOT.resolve("models/README.md"));
        int header = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(HEADER)) {
                assertEquals(-1, header, "two ablation tables in models/README.md");
                header = i;
            }
        }
        assertTrue(header >= 0, "no line starting '" + HEADER + "' in models/README.md");
        List<List<String>> rows = new ArrayList<>();
        for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String line = lines.get(i).strip();
            String inner = line.substring(1, line.endsWith("|") ? line.length() - 1 : line.length());
            rows.add(List.of(inner.split("(?<!\\\\)\\|", -1)).stream().map(String::strip).toList());
        }
        return rows;
    }
}
