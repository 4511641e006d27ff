package dev.streetnum.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report folder from synthetic predictions: no model needed. */
class ReportWriterTest {

    static List<Prediction> syntheticPredictions(long seed, int n) {
        Random random = new Random(seed);
        List<Prediction> predictions = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String truth = Integer.toString(1 + random.nextInt(random.nextBoolean() ? 99 : 99999));
            double confidence = random.nextInt(50) / 49.0;
            boolean refused = random.nextInt(15) == 0;
            String answer = random.nextDouble() < 0.2 + 0.8 * confidence ? truth
                    : truth.substring(0, truth.length() - 1) + (char) ('0' + (truth.charAt(truth.length() - 1) - '0' + 1) % 10);
            predictions.add(new Prediction(i + ".png", truth, answer, !refused, confidence,
                    confidence * random.nextDouble()));
        }
        return predictions;
    }

    @Test
    void writesEveryFileWithNumbersThatFollowFromTheCsv(@TempDir Path dir) throws Exception {
        List<Prediction> test = syntheticPredictions(1, 300);
        EvaluatedSet testSet = new EvaluatedSet("test/labels.csv sha256:aa", test);
        EvaluatedSet valSet = new EvaluatedSet("val/labels.csv sha256:bb", syntheticPredictions(2, 200));
        EvaluatedSet trainSet = new EvaluatedSet("train/labels.csv sha256:cc", syntheticPredictions(3, 100));
        CoverageReport report = CoverageReport.of("0.1.0", "tiny-1", 0.9, testSet, valSet, trainSet);
        BufferedImage crop = new BufferedImage(64, 64, BufferedImage.TYPE_3BYTE_BGR);
        List<SheetTile> errors = ReviewSheet.mostConfidentErrors(test).stream().map(p -> new SheetTile(crop, p)).toList();
        List<SheetTile> refused = ReviewSheet.refused(test, report.acceptanceThreshold()).stream()
                .map(p -> new SheetTile(crop, p)).toList();
        new ReportWriter(54 / 64.0).write(report.withSheets(errors, refused), dir);

        JsonNode json = ReportFolderCheck.check(dir, 300);
        assertEquals("validation", json.get("calibration").get("chosenOn").asText());
        // The threshold on test is the one chosen on validation: recompute it there by brute force.
        double[] valConfidence = valSet.predictions().stream().mapToDouble(Prediction::principledScore).toArray();
        boolean[] valCorrect = new boolean[valConfidence.length];
        for (int i = 0; i < valCorrect.length; i++) {
            valCorrect[i] = valSet.predictions().get(i).correct();
        }
        double[] best = BruteForceCoverage.best(valConfidence, valCorrect, 0.9);
        assertEquals(best[1], json.get("calibration").get("thresholds").get("0.9").asDouble(), 1e-12);
        assertTrue(json.get("fit").get("sentence").asText().matches("(Overfitting|Underfitting|Fits): .*"));
        assertEquals(List.of(0.9, 0.95, 0.98, 0.99), toList(json.get("targets")));
    }

    @Test
    void withoutValidationTheThresholdsAreChosenOnTestAndSaySo(@TempDir Path dir) throws Exception {
        List<Prediction> test = syntheticPredictions(4, 50);
        CoverageReport report = CoverageReport.of("0.1.0", "tiny-1", 0.98,
                new EvaluatedSet("test", test), null, null);
        new ReportWriter(54 / 64.0).write(report, dir);
        JsonNode json = ReportFolderCheck.check(dir, 50);
        assertEquals("test", json.get("calibration").get("chosenOn").asText());
        assertTrue(json.get("validation") == null && json.get("fit") == null, "absent sets are left out");
        assertTrue(java.nio.file.Files.readString(dir.resolve(ReportWriter.INDEX_HTML)).contains("best achievable"));
    }

    @Test
    void acceptedErrorsOnAnnotationGapsAreTheAcceptedWrongAnswersOnThosePhotos(@TempDir Path dir) throws Exception {
        List<Prediction> test = syntheticPredictions(5, 300);
        // A 70% target accepts wrong answers in this fixture (its answers are right with probability 0.2 + 0.8 p).
        CoverageReport report = CoverageReport.of("0.1.0", "tiny-1", 0.7, new EvaluatedSet("test", test),
                new EvaluatedSet("val", syntheticPredictions(6, 200)), null);
        assertEquals("", report.annotationGapsClause(), "no annotations checked: nothing said");
        Set<String> gapFiles = new HashSet<>();
        List<String> expected = new ArrayList<>();
        double t = report.acceptanceThreshold();
        for (int i = 0; i < test.size(); i++) {
            Prediction p = test.get(i);
            if (i % 2 == 0) {
                gapFiles.add(p.file());
                if (p.transcribable() && p.confidence() >= t && !p.truth().equals(p.answer())) {
                    expected.add(p.file());
                }
            }
        }
        assertTrue(!expected.isEmpty(), "the fixture has accepted errors on the chosen photos");
        CoverageReport checked = report.withAnnotationGaps(gapFiles);
        assertEquals(expected, checked.acceptedErrorsOnAnnotationGaps());
        assertEquals("; " + expected.size() + " on annotations that may leave a digit out (a digit-wide gap between"
                + " neighbouring boxes, check-labels): " + String.join(", ", expected), checked.annotationGapsClause());

        new ReportWriter(54 / 64.0).write(checked, dir);
        JsonNode json = ReportFolderCheck.check(dir, 300);
        assertEquals(expected.size(), json.get("acceptedErrorsOnAnnotationGaps").size());
        assertTrue(java.nio.file.Files.readString(dir.resolve(ReportWriter.INDEX_HTML))
                .contains(expected.size() + " on annotations that may leave a digit out"));
    }

    private static List<Double> toList(JsonNode array) {
        List<Double> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asDouble()));
        return values;
    }
}
