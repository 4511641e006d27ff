package dev.streetnum.eval;

import dev.streetnum.model.TargetAccuracy;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * One data set's predictions and the numbers computed from them.
 *
 * @param identity    the data set's provenance (CSV path and hash)
 * @param predictions one per image, in data set order
 */
public record EvaluatedSet(String identity, List<Prediction> predictions) {

    public EvaluatedSet {
        predictions = List.copyOf(predictions);
    }

    public SequenceMetrics metrics() {
        return SequenceMetrics.of(predictions);
    }

    /**
     * Mean IoU of the boxes the model found against the CSV's union boxes, over the predictions made
     * without a box; NaN when there are none (the boxes were given).
     */
    public double meanBoxIou() {
        return predictions.stream().mapToDouble(Prediction::boxIou).filter(Double::isFinite).average().orElse(Double.NaN);
    }

    /** Ranked by P(S|x), the principled confidence. */
    public CoverageCurve principledCurve() {
        return principledCurve(IntStream.range(0, predictions.size()).toArray());
    }

    /**
     * The principled curve of a draw of this set's photos ({@link Bootstrap}): {@code draw} holds indices
     * into {@link #predictions}, repeats allowed.
     */
    public CoverageCurve principledCurve(int[] draw) {
        double[] score = new double[draw.length];
        boolean[] correct = new boolean[draw.length];
        for (int i = 0; i < draw.length; i++) {
            Prediction p = predictions.get(draw[i]);
            score[i] = p.principledScore();
            correct[i] = p.correct();
        }
        return new CoverageCurve(score, correct);
    }

    /** Ranked by the ad-hoc confidence, the baseline the paper compares against. */
    public CoverageCurve adHocCurve() {
        return new CoverageCurve(predictions.stream().mapToDouble(Prediction::adHocScore).toArray(),
                correctFlags());
    }

    /** Best achievable coverage on this set at each target accuracy, by the ad-hoc confidence. */
    public Map<String, OperatingPoint> adHocCoverage(List<Double> targets) {
        return atAccuracies(adHocCurve(), targets);
    }

    /** Best achievable coverage on the curve's set at each target accuracy. */
    static Map<String, OperatingPoint> atAccuracies(CoverageCurve curve, List<Double> targets) {
        Map<String, OperatingPoint> points = new TreeMap<>();
        for (double target : targets) {
            points.put(TargetAccuracy.keyOf(target), curve.atAccuracy(target));
        }
        return points;
    }

    private boolean[] correctFlags() {
        boolean[] correct = new boolean[predictions.size()];
        for (int i = 0; i < correct.length; i++) {
            correct[i] = predictions.get(i).correct();
        }
        return correct;
    }
}
