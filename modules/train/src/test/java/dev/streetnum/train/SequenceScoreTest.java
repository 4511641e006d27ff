package dev.streetnum.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SequenceScoreTest {

    /** DESIGN section 6 by brute force: try every threshold, accept everything at or above it. */
    private static double bruteCoverage(double[] confidence, boolean[] correct) {
        double best = 0;
        for (double t : confidence) {
            if (t == Double.NEGATIVE_INFINITY) {
                continue;
            }
            int accepted = 0;
            int right = 0;
            for (int i = 0; i < confidence.length; i++) {
                if (confidence[i] >= t) {
                    accepted++;
                    right += correct[i] ? 1 : 0;
                }
            }
            if (right >= 0.98 * accepted) {
                best = Math.max(best, (double) accepted / confidence.length);
            }
        }
        return best;
    }

    @Test
    void coverageMatchesBruteForceWithTiesAndRefusals() {
        Random random = new Random(1);
        for (int trial = 0; trial < 300; trial++) {
            int n = 1 + random.nextInt(60);
            double[] confidence = new double[n];
            boolean[] correct = new boolean[n];
            for (int i = 0; i < n; i++) {
                // Few distinct values, so ties are common; some refusals.
                confidence[i] = random.nextInt(10) == 0 ? Double.NEGATIVE_INFINITY : random.nextInt(8) / 8.0;
                correct[i] = random.nextDouble() < 0.9 + 0.1 * confidence[i];
            }
            SequenceScore s = SequenceScore.of(confidence, correct);
            assertEquals(bruteCoverage(confidence, correct), s.coverage(), 1e-12, "trial " + trial);
        }
    }

    @Test
    void handWorkedExample() {
        // Sorted: 0.9 right, 0.8 right, 0.7 wrong, 0.6 right; refused one right. 2 of 5 at 100%.
        double[] c = {0.7, 0.9, Double.NEGATIVE_INFINITY, 0.6, 0.8};
        boolean[] ok = {false, true, true, true, true};
        SequenceScore s = SequenceScore.of(c, ok);
        assertEquals(0.4, s.coverage(), 1e-12);
        assertEquals(0.8, s.threshold(), 1e-12);
        assertEquals(0.8, s.accuracy(), 1e-12, "4 of 5 right, the refused one included as right-labelled");
    }
}
