package dev.streetnum.train;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The log's line at each validation, as a user reads it. */
class ValidationLineTest {

    private static final MetricsRow ROW = new MetricsRow(115, 1, 1e-5, 2.9859,
            new SequenceScore(500, 0.072, 0.0, 0.2, 0.9), new SequenceScore(500, 0.036, 0.002, 0.2, 0.9), 121, 60);

    @Test
    void theShareThatTaughtComesBeforeTheDiagnosisSentence() {
        String line = Trainer.validationLine(ROW, 0.25);
        assertTrue(line.startsWith("iteration 115: loss 2.9859, val coverage at 98% 0.002, 25% of the photos without"
                + " labels read surely enough to teach; "), line);
        assertTrue(line.endsWith(ROW.diagnosis().sentence()), line);
        assertFalse(line.contains(".,"), "no sentence's full stop followed by a comma: " + line);
    }

    @Test
    void withoutConsistencyOrBeforeAnyPhotoWasReadNoShareIsGiven() {
        for (Double share : new Double[] {null, Double.NaN}) {
            String line = Trainer.validationLine(ROW, share);
            assertFalse(line.contains("photos without labels"), line);
            assertFalse(line.contains("NaN"), line);
        }
    }
}
