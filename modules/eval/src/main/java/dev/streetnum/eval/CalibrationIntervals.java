package dev.streetnum.eval;

import dev.streetnum.eval.Bootstrap.Interval;

/**
 * How far the operating point could land from its target on new photos, the threshold's own variation
 * included. {@link TestIntervals} hold the threshold fixed; but the threshold was itself chosen on a few
 * hundred validation photos, where it rests on the position of the last few confident errors (DESIGN
 * section 6). Each draw here resamples validation and test on their own ({@link Bootstrap}, with
 * replacement), chooses the threshold again on the validation draw exactly as calibration does
 * ({@link CoverageCurve#atAccuracy}) and reads the test draw at it: the spread of the whole protocol,
 * calibrate then serve, over other photos like these.
 *
 * @param resamples        draws of the two sets
 * @param level            the share of the draws each interval holds
 * @param targetAccuracy   the accuracy the threshold is chosen for
 * @param threshold        the thresholds chosen on the validation draws (draws where none reaches the
 *                         target, so nothing would be answered, left out)
 * @param coverage         the share of the test draw answered at that draw's threshold
 * @param accuracy         the answered test photos' accuracy (draws answering nothing left out)
 * @param shareBelowTarget the share of draws that answer something whose accuracy falls below the target
 *                         (NaN when no draw answers anything)
 */
public record CalibrationIntervals(int resamples, double level, double targetAccuracy, Interval threshold,
                                   Interval coverage, Interval accuracy, double shareBelowTarget) {

    static CalibrationIntervals of(EvaluatedSet validation, EvaluatedSet test, double targetAccuracy,
                                   Bootstrap bootstrap) {
        int[] sizes = {validation.predictions().size(), test.predictions().size()};
        double[][] values = bootstrap.replicates(sizes, draws -> {
            double t = validation.principledCurve(draws[0]).atAccuracy(targetAccuracy).threshold();
            OperatingPoint onTest = test.principledCurve(draws[1]).atThreshold(t);
            double accuracy = onTest.accuracy();
            return new double[] {t == Double.POSITIVE_INFINITY ? Double.NaN : t, onTest.coverage(), accuracy,
                    Double.isNaN(accuracy) ? Double.NaN : accuracy < targetAccuracy ? 1 : 0};
        });
        double below = 0;
        int answered = 0;
        for (double v : values[3]) {
            if (!Double.isNaN(v)) {
                below += v;
                answered++;
            }
        }
        return new CalibrationIntervals(bootstrap.resamples(), Bootstrap.LEVEL, targetAccuracy,
                Interval.percentile(values[0], Bootstrap.LEVEL), Interval.percentile(values[1], Bootstrap.LEVEL),
                Interval.percentile(values[2], Bootstrap.LEVEL), answered == 0 ? Double.NaN : below / answered);
    }

    /** Whether no draw answered a single test photo: then there is no accuracy, nor a share below the target. */
    public boolean answeredNothing() {
        return Double.isNaN(shareBelowTarget);
    }
}
