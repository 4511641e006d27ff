package dev.streetnum.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FitDiagnosisTest {

    @Test
    void aLargeGapIsOverfitting() {
        FitDiagnosis d = FitDiagnosis.of(0.99, 0.90, 0.98);
        assertEquals("overfitting", d.verdict());
        assertEquals(0.09, d.gap(), 1e-12);
        assertTrue(d.sentence().contains("train error 1.0%") && d.sentence().contains("test error 10.0%"), d.sentence());
    }

    @Test
    void highTrainErrorWithASmallGapIsUnderfitting() {
        assertEquals("underfitting", FitDiagnosis.of(0.80, 0.79, 0.98).verdict());
        // A gap over 3 points is still underfitting when the train error dwarfs it (a short CPU run).
        assertEquals("underfitting", FitDiagnosis.of(0.075, 0.03, 0.98).verdict());
        // ...and overfitting when the gap is the larger problem.
        assertEquals("overfitting", FitDiagnosis.of(0.90, 0.70, 0.98).verdict());
    }

    @Test
    void bothErrorsWithinTheTargetFit() {
        assertEquals("fits", FitDiagnosis.of(0.995, 0.985, 0.98).verdict());
    }
}
