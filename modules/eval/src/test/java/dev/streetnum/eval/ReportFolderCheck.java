package dev.streetnum.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads a written report folder back and recomputes its headline numbers from predictions.csv alone,
 * with plain loops and {@link BruteForceCoverage}: what report.json says must follow from the CSV.
 */
final class ReportFolderCheck {

    private static final double EXACT = 1e-12;

    /** The folder's predictions.csv, one record per test image, by column name. */
    static List<CSVRecord> predictions(Path folder) throws IOException {
        List<CSVRecord> rows = new ArrayList<>();
        try (Reader in = Files.newBufferedReader(folder.resolve(ReportWriter.PREDICTIONS_CSV))) {
            CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(in).forEach(rows::add);
        }
        return rows;
    }

    static JsonNode check(Path folder, int expectedRows) throws IOException {
        JsonNode json = new ObjectMapper().readTree(folder.resolve(ReportWriter.REPORT_JSON).toFile());
        List<CSVRecord> rows = predictions(folder);
        assertEquals(expectedRows, rows.size(), "one CSV row per test image");

        int n = rows.size();
        double[] confidence = new double[n];
        boolean[] correct = new boolean[n];
        int correctCount = 0;
        int digits = 0;
        int digitsRight = 0;
        int acceptedCount = 0;
        double t = json.get("acceptanceThreshold").isNull() ? Double.POSITIVE_INFINITY
                : json.get("acceptanceThreshold").asDouble();
        for (int i = 0; i < n; i++) {
            CSVRecord r = rows.get(i);
            String truth = r.get("truth");
            String answer = r.get("answer");
            boolean transcribable = Boolean.parseBoolean(r.get("transcribable"));
            double c = Double.parseDouble(r.get("confidence"));
            correct[i] = transcribable && truth.equals(answer);
            assertEquals(correct[i], Boolean.parseBoolean(r.get("correct")), "row " + i + " correct");
            boolean accepted = transcribable && c >= t;
            assertEquals(accepted, Boolean.parseBoolean(r.get("accepted")), "row " + i + " accepted");
            acceptedCount += accepted ? 1 : 0;
            correctCount += correct[i] ? 1 : 0;
            confidence[i] = transcribable ? c : CoverageCurve.REFUSED;
            for (int d = 0; d < Math.min(truth.length(), 5); d++) {
                digits++;
                digitsRight += d < answer.length() && answer.charAt(d) == truth.charAt(d) ? 1 : 0;
            }
        }
        JsonNode metrics = json.get("test").get("metrics");
        assertEquals(n, metrics.get("examples").asInt());
        assertEquals((double) correctCount / n, metrics.get("sequenceAccuracy").asDouble(), EXACT);
        assertEquals((double) digitsRight / digits, metrics.get("digitAccuracy").asDouble(), EXACT);

        String targetKey = dev.streetnum.model.TargetAccuracy.keyOf(json.get("targetAccuracy").asDouble());
        assertEquals(acceptedCount, json.get("calibration").get("onTest").get(targetKey).get("accepted").asInt(),
                "the CSV's accepted column is the calibrated threshold at the target applied to test");
        for (JsonNode target : json.get("targets")) {
            String key = dev.streetnum.model.TargetAccuracy.keyOf(target.asDouble());
            double[] best = BruteForceCoverage.best(confidence, correct, target.asDouble());
            JsonNode point = json.get("test").get("bestCoverage").get(key);
            assertEquals((int) best[0], point.get("accepted").asInt(), "best test coverage at " + key);
            assertEquals(best[0] / n, point.get("coverage").asDouble(), EXACT);
            if (best[0] > 0) {
                assertEquals(best[1], point.get("threshold").asDouble(), EXACT);
            } else {
                assertTrue(point.get("threshold").isNull(), "no threshold reaches " + key + ": null");
            }
        }

        assertEquals(BruteForceCoverage.riskCoverageArea(confidence, correct),
                json.get("test").get("riskCoverageArea").asDouble(), EXACT, "the risk-coverage area of the CSV's rows");

        // The intervals hold the figures they are about (TestIntervalsTest checks how they are drawn).
        JsonNode sure = json.get("testIntervals");
        assertBrackets(correctCount / (double) n, sure.get("sequenceAccuracy"), "sequence accuracy");
        assertBrackets(BruteForceCoverage.riskCoverageArea(confidence, correct), sure.get("riskCoverageArea"), "AURC");
        assertBrackets(acceptedCount / (double) n, sure.get("coverage"), "coverage at the acceptance threshold");
        assertEquals(Bootstrap.RESAMPLES, sure.get("resamples").asInt());

        JsonNode reliability = json.get("reliability");
        int transcribable = 0;
        for (CSVRecord r : rows) {
            transcribable += Boolean.parseBoolean(r.get("transcribable")) ? 1 : 0;
        }
        assertEquals(transcribable, reliability.get("answers").asInt(), "every transcribable answer is binned");
        int binned = 0;
        for (JsonNode bin : reliability.get("bins")) {
            binned += bin.get("count").asInt();
        }
        assertEquals(transcribable, binned);

        // index.html shows its pictures: every image it links is a readable PNG beside it.
        String html = Files.readString(folder.resolve(ReportWriter.INDEX_HTML));
        Matcher img = Pattern.compile("<img src=\"([^\"]+)\"").matcher(html);
        List<String> linked = new ArrayList<>();
        while (img.find()) {
            linked.add(img.group(1));
        }
        assertEquals(List.of(ReportWriter.CURVE_PNG, ReportWriter.RELIABILITY_PNG, ReportWriter.WORST_ERRORS_PNG,
                ReportWriter.REFUSALS_PNG), linked);
        for (String file : linked) {
            assertTrue(!file.contains("/") && !file.contains(":"), "relative link beside index.html: " + file);
            BufferedImage picture = ImageIO.read(folder.resolve(file).toFile());
            assertTrue(picture != null && picture.getWidth() > 100, file + " is a readable picture");
        }
        return json;
    }

    private static void assertBrackets(double figure, JsonNode interval, String what) {
        assertTrue(interval.get("low").asDouble() <= figure && figure <= interval.get("high").asDouble(),
                what + " " + figure + " outside its interval " + interval);
    }

    private ReportFolderCheck() {
    }
}
