package dev.streetnum.train;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SequenceScoreTest {

    private static SequenceScore score(double accuracy, double coverage, Double area) {
        return new SequenceScore(500, accuracy, coverage, 0.9, area);
    }

    @Test
    void theSmallerRiskCoverageAreaWinsOverMoreCoverage() {
        SequenceScore steadier = score(0.80, 0.60, 0.030);
        SequenceScore luckier = score(0.80, 0.65, 0.034);
        assertTrue(steadier.betterThan(luckier));
        assertFalse(luckier.betterThan(steadier));
        assertTrue(steadier.betterThan(null), "anything beats no model yet");
    }

    @Test
    void equalAreasFallBackToCoverageThenAccuracy() {
        assertTrue(score(0.80, 0.65, 0.03).betterThan(score(0.80, 0.60, 0.03)));
        assertTrue(score(0.82, 0.60, 0.03).betterThan(score(0.80, 0.60, 0.03)));
        assertFalse(score(0.80, 0.60, 0.03).betterThan(score(0.80, 0.60, 0.03)), "a tie is not an improvement");
    }

    @Test
    void aScoreWithoutTheAreaIsComparedByCoverage() {
        SequenceScore old = score(0.80, 0.60, null);
        assertTrue(score(0.80, 0.65, 0.5).betterThan(old), "a resumed run's old best is beaten by more coverage");
        assertFalse(score(0.80, 0.55, 0.001).betterThan(old));
    }
}
