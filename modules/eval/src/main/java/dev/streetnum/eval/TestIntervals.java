package dev.streetnum.eval;

import dev.streetnum.eval.Bootstrap.Interval;

/**
 * How sure a report's test figures are: the {@link Bootstrap} over the test photos, the threshold chosen
 * on validation held fixed (it is fixed in service too). On 500 photos, coverage at the 98% threshold
 * moves by several points from one sample of photos to another; these intervals say by how much, so two
 * reports are not read as different where the photos alone could make them so.
 *
 * @param resamples        draws of the test photos
 * @param level            the share of the draws each interval holds
 * @param sequenceAccuracy whole numbers read right, over all test photos
 * @param riskCoverageArea the area under the risk-coverage curve ({@link CoverageCurve#riskCoverageArea})
 * @param coverage         the share of test photos accepted at the acceptance threshold
 * @param accuracy         the accepted answers' accuracy at that threshold (draws that accept nothing left out)
 */
public record TestIntervals(int resamples, double level, Interval sequenceAccuracy, Interval riskCoverageArea,
                            Interval coverage, Interval accuracy) {

    /** @param threshold the acceptance threshold (+infinity: accept nothing) */
    static TestIntervals of(EvaluatedSet test, double threshold, Bootstrap bootstrap) {
        Interval[] intervals = bootstrap.intervals(test.predictions().size(), draw -> {
            CoverageCurve curve = test.principledCurve(draw);
            OperatingPoint atThreshold = curve.atThreshold(threshold);
            return new double[] {curve.accuracy(), curve.riskCoverageArea(), atThreshold.coverage(),
                    atThreshold.accuracy()};
        });
        return new TestIntervals(bootstrap.resamples(), Bootstrap.LEVEL, intervals[0], intervals[1], intervals[2],
                intervals[3]);
    }
}
