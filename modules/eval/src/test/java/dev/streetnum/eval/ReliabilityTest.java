package dev.streetnum.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReliabilityTest {

    private static Prediction answer(int i, double confidence, boolean right) {
        return new Prediction(i + ".png", "12", right ? "12" : "13", true, confidence, confidence);
    }

    /** Nine answers and a refusal in three bins, worked by hand. */
    @Test
    void binsAndTheCalibrationErrorByHand() {
        List<Prediction> predictions = List.of(
                answer(0, 0.9, true), answer(1, 0.1, false), answer(2, 0.5, true),
                answer(3, 0.8, true), answer(4, 0.2, false), answer(5, 0.6, false),
                answer(6, 0.95, true), answer(7, 0.3, true), answer(8, 0.4, true),
                new Prediction("9.png", "12", "123456", false, 0.99, 0.99));
        Reliability r = Reliability.of(predictions, 3);
        // Sorted: 0.1 x, 0.2 x, 0.3 v | 0.4 v, 0.5 v, 0.6 x | 0.8 v, 0.9 v, 0.95 v
        assertEquals(9, r.answers());
        assertEquals(1, r.refused());
        assertEquals(List.of(3, 3, 3), r.bins().stream().map(Reliability.Bin::count).toList());
        assertEquals(0.2, r.bins().get(0).meanConfidence(), 1e-12);
        assertEquals(1 / 3.0, r.bins().get(0).accuracy(), 1e-12);
        assertEquals(0.5, r.bins().get(1).meanConfidence(), 1e-12);
        assertEquals(2 / 3.0, r.bins().get(1).accuracy(), 1e-12);
        assertEquals(2.65 / 3, r.bins().get(2).meanConfidence(), 1e-12);
        assertEquals(1.0, r.bins().get(2).accuracy(), 1e-12);
        double ece = (Math.abs(1 / 3.0 - 0.2) + Math.abs(2 / 3.0 - 0.5) + Math.abs(1 - 2.65 / 3)) / 3;
        assertEquals(ece, r.expectedCalibrationError(), 1e-12);
    }

    /**
     * The independent computation: answers right with probability equal to their P(S|x) are calibrated
     * (ECE near 0, up to the sampling noise of 1,000 answers a bin); answers right with probability P^4
     * are not, and their ECE is the mean of P - P^4 over P uniform on [0,1], 1/2 - 1/5 = 0.3.
     */
    @Test
    void aTrueProbabilityHasNoGapAndAnOverconfidentOneItsOwn() {
        Random random = new Random(5);
        List<Prediction> calibrated = new ArrayList<>();
        List<Prediction> overconfident = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            double p = random.nextDouble();
            calibrated.add(answer(i, p, random.nextDouble() < p));
            overconfident.add(answer(i, p, random.nextDouble() < Math.pow(p, 4)));
        }
        assertTrue(Reliability.of(calibrated, 10).expectedCalibrationError() < 0.02);
        assertEquals(0.3, Reliability.of(overconfident, 10).expectedCalibrationError(), 0.02);
    }

    @Test
    void fewerAnswersThanBinsGiveOneBinEachAndNoneGiveNoError() {
        Reliability two = Reliability.of(List.of(answer(0, 0.7, true), answer(1, 0.4, false)), 10);
        assertEquals(2, two.bins().size());
        assertEquals((Math.abs(0 - 0.4) + Math.abs(1 - 0.7)) / 2, two.expectedCalibrationError(), 1e-12);
    }

    @Test
    void needsABin() {
        assertThrows(IllegalArgumentException.class, () -> Reliability.of(List.of(), 0));
        assertTrue(Double.isNaN(Reliability.of(List.of(), 10).expectedCalibrationError()));
    }
}
