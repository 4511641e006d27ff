package dev.streetnum.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.eval.CoverageReport;
import dev.streetnum.eval.EvaluatedSet;
import dev.streetnum.eval.FitDiagnosis;
import dev.streetnum.eval.Prediction;
import dev.streetnum.model.TargetAccuracy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The trainer's log and the evaluator's report must give the same verdict on the same numbers. */
class FitDiagnosisAgreementTest {

    private static final int IMAGES = 200;

    @Test
    void trainerAndEvaluatorAgreeOnEveryPairOfAccuracies() {
        int[] correctCounts = {200, 199, 196, 190, 180, 150, 100, 40};
        int verdictsSeen = 0;
        java.util.Set<String> verdicts = new java.util.HashSet<>();
        for (int trainCorrect : correctCounts) {
            for (int heldOutCorrect : correctCounts) {
                double trainAccuracy = trainCorrect / (double) IMAGES;
                double heldOutAccuracy = heldOutCorrect / (double) IMAGES;
                MetricsRow row = new MetricsRow(1, 0, 1e-3, 1.0,
                        new SequenceScore(IMAGES, trainAccuracy, 0, Double.POSITIVE_INFINITY, 1 - trainAccuracy),
                        new SequenceScore(IMAGES, heldOutAccuracy, 0, Double.POSITIVE_INFINITY, 1 - heldOutAccuracy), 1, 1);
                CoverageReport report = CoverageReport.of("test", "model", TargetAccuracy.PAPER_ACCURACY,
                        set(heldOutCorrect), null, set(trainCorrect));
                String where = "train " + trainCorrect + "/" + IMAGES + ", held out " + heldOutCorrect + "/" + IMAGES;
                assertEquals(report.fit().verdict(), row.diagnosis().verdict(), where);
                assertEquals(report.fit().gap(), row.diagnosis().gap(), 1e-12, where);
                verdicts.add(row.diagnosis().verdict());
                verdictsSeen++;
            }
        }
        assertEquals(correctCounts.length * correctCounts.length, verdictsSeen);
        assertEquals(java.util.Set.of(FitDiagnosis.OVERFITTING, FitDiagnosis.UNDERFITTING, FitDiagnosis.FITS), verdicts,
                "the grid must reach every verdict");
    }

    @Test
    void theTrainerSaysValidationWhereTheReportSaysTest() {
        MetricsRow row = new MetricsRow(1, 0, 1e-3, 1.0, new SequenceScore(IMAGES, 0.99, 0, 1, 0.01),
                new SequenceScore(IMAGES, 0.80, 0, 1, 0.2), 1, 1);
        assertEquals(FitDiagnosis.OVERFITTING, row.diagnosis().verdict());
        assertTrue(row.diagnosis().sentence().contains("validation error 20.0%"), row.diagnosis().sentence());
    }

    /** {@code correct} right answers out of {@link #IMAGES}, the rest wrong, all confident. */
    private static EvaluatedSet set(int correct) {
        List<Prediction> predictions = new ArrayList<>();
        for (int i = 0; i < IMAGES; i++) {
            predictions.add(new Prediction(i + ".png", "12", i < correct ? "12" : "13", true, 0.9, 0.9));
        }
        return new EvaluatedSet("set", predictions);
    }
}
