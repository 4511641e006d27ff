package dev.streetnum.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.eval.Bootstrap.Interval;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestIntervalsTest {

    /**
     * Each interval against the same draws of the photos scored the slow way ({@link BruteForceCoverage}:
     * no sorting, every threshold tried), so the figures land in the right fields, the threshold stays the
     * one given, and draws that accept nothing are left out of the accuracy.
     */
    @Test
    void everyIntervalIsItsFigureOverTheDrawsComputedTheSlowWay() {
        List<Prediction> predictions = ReportWriterTest.syntheticPredictions(11, 120);
        double threshold = 0.9;
        Bootstrap bootstrap = new Bootstrap(200, 4);
        TestIntervals intervals = TestIntervals.of(new EvaluatedSet("test", predictions), threshold, bootstrap);

        double[][] slow = bootstrap.replicates(predictions.size(), draw -> {
            BruteForceCoverage.Scored scored = BruteForceCoverage.Scored.of(predictions, draw);
            double[] confidence = scored.confidence();
            boolean[] correct = scored.correct();
            int right = scored.right();
            int[] accepted = BruteForceCoverage.acceptedAt(confidence, correct, threshold);
            return new double[] {right / (double) draw.length, BruteForceCoverage.riskCoverageArea(confidence, correct),
                    accepted[0] / (double) draw.length, accepted[0] == 0 ? Double.NaN : accepted[1] / (double) accepted[0]};
        });
        assertSame(Interval.percentile(slow[0], 0.9), intervals.sequenceAccuracy());
        assertSame(Interval.percentile(slow[1], 0.9), intervals.riskCoverageArea());
        assertSame(Interval.percentile(slow[2], 0.9), intervals.coverage());
        assertSame(Interval.percentile(slow[3], 0.9), intervals.accuracy());
        assertEquals(200, intervals.resamples());
        assertEquals(Bootstrap.LEVEL, intervals.level());

        CoverageCurve whole = new EvaluatedSet("test", predictions).principledCurve();
        assertBrackets(whole.accuracy(), intervals.sequenceAccuracy());
        assertBrackets(whole.riskCoverageArea(), intervals.riskCoverageArea());
        assertBrackets(whole.atThreshold(threshold).coverage(), intervals.coverage());
    }

    @Test
    void aThresholdThatAcceptsNothingHasNoAccuracyInterval() {
        TestIntervals intervals = TestIntervals.of(new EvaluatedSet("test", ReportWriterTest.syntheticPredictions(12, 60)),
                Double.POSITIVE_INFINITY, new Bootstrap(50, 1));
        assertEquals(new Interval(0, 0), intervals.coverage());
        assertTrue(Double.isNaN(intervals.accuracy().low()) && Double.isNaN(intervals.accuracy().high()));
    }

    /** Equal up to the order of a sum's terms. */
    static void assertSame(Interval expected, Interval actual) {
        assertEquals(expected.low(), actual.low(), 1e-12, "low end");
        assertEquals(expected.high(), actual.high(), 1e-12, "high end");
    }

    private static void assertBrackets(double figure, Interval interval) {
        assertTrue(interval.low() <= figure && figure <= interval.high(), figure + " outside " + interval);
    }
}
