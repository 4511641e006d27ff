package dev.streetnum.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.eval.Bootstrap.Interval;
import java.util.List;
import org.junit.jupiter.api.Test;

class CalibrationIntervalsTest {

    /**
     * Each figure against the same draws scored the slow way: the threshold found by trying every one on
     * the validation draw ({@link BruteForceCoverage#best}), the test draw counted at it with plain loops.
     */
    @Test
    void everyFigureIsTheProtocolRunAgainOnEachDrawComputedTheSlowWay() {
        List<Prediction> validation = ReportWriterTest.syntheticPredictions(21, 90);
        List<Prediction> test = ReportWriterTest.syntheticPredictions(22, 130);
        double target = 0.9;
        Bootstrap bootstrap = new Bootstrap(300, 7);
        CalibrationIntervals intervals = CalibrationIntervals.of(new EvaluatedSet("val", validation),
                new EvaluatedSet("test", test), target, bootstrap);

        double[][] slow = bootstrap.replicates(new int[] {validation.size(), test.size()}, draws -> {
            BruteForceCoverage.Scored v = BruteForceCoverage.Scored.of(validation, draws[0]);
            BruteForceCoverage.Scored t = BruteForceCoverage.Scored.of(test, draws[1]);
            double[] best = BruteForceCoverage.best(v.confidence(), v.correct(), target);
            double threshold = best[0] == 0 ? Double.POSITIVE_INFINITY : best[1];
            int[] accepted = BruteForceCoverage.acceptedAt(t.confidence(), t.correct(), threshold);
            double accuracy = accepted[0] == 0 ? Double.NaN : accepted[1] / (double) accepted[0];
            return new double[] {best[0] == 0 ? Double.NaN : threshold, accepted[0] / (double) draws[1].length,
                    accuracy, accepted[0] == 0 ? Double.NaN : accuracy < target ? 1 : 0};
        });
        TestIntervalsTest.assertSame(Interval.percentile(slow[0], 0.9), intervals.threshold());
        TestIntervalsTest.assertSame(Interval.percentile(slow[1], 0.9), intervals.coverage());
        TestIntervalsTest.assertSame(Interval.percentile(slow[2], 0.9), intervals.accuracy());
        int below = 0;
        int answered = 0;
        for (double v : slow[3]) {
            if (!Double.isNaN(v)) {
                below += (int) v;
                answered++;
            }
        }
        assertTrue(answered > 0 && below > 0 && below < answered,
                "the fixture must give draws on both sides of the target: " + below + " of " + answered);
        assertEquals(below / (double) answered, intervals.shareBelowTarget(), 1e-12);
        assertEquals(300, intervals.resamples());
        assertEquals(target, intervals.targetAccuracy());

        // The threshold chosen on all of validation lies among the ones chosen on its draws.
        double whole = new EvaluatedSet("val", validation).principledCurve().atAccuracy(target).threshold();
        assertTrue(whole < Double.POSITIVE_INFINITY, "the fixture must reach the target on all of validation");
        assertTrue(intervals.threshold().low() <= whole && whole <= intervals.threshold().high(),
                whole + " outside " + intervals.threshold());
    }

    /** Re-choosing the threshold spreads the test figures wider than holding it fixed does. */
    @Test
    void theThresholdsOwnVariationWidensTheCoverageInterval() {
        EvaluatedSet validation = new EvaluatedSet("val", ReportWriterTest.syntheticPredictions(31, 80));
        EvaluatedSet test = new EvaluatedSet("test", ReportWriterTest.syntheticPredictions(32, 400));
        double threshold = validation.principledCurve().atAccuracy(0.9).threshold();
        Interval fixed = TestIntervals.of(test, threshold, new Bootstrap(400, 3)).coverage();
        Interval again = CalibrationIntervals.of(validation, test, 0.9, new Bootstrap(400, 3)).coverage();
        assertTrue(again.high() - again.low() > fixed.high() - fixed.low(), again + " against " + fixed);
    }

    @Test
    void oneSetDrawsAsTheSingleSetBootstrapDoesAndTwoSetsDrawApart() {
        Bootstrap bootstrap = new Bootstrap(20, 5);
        double[][] single = bootstrap.replicates(40, draw -> new double[] {draw[0], draw[39]});
        double[][] asOne = bootstrap.replicates(new int[] {40}, draws -> new double[] {draws[0][0], draws[0][39]});
        assertArrayEquals(single[0], asOne[0]);
        assertArrayEquals(single[1], asOne[1]);
        double[][] two = bootstrap.replicates(new int[] {40, 40}, draws -> new double[] {draws[0][0], draws[1][0]});
        assertFalse(java.util.Arrays.equals(two[0], two[1]), "each set is drawn on its own");
    }
}
