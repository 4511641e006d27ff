package dev.streetnum.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class GeneralizedIouLossTest {

    private static final double[][] TARGETS = {
            {0.5, 0.5, Math.log(0.1), Math.log(0.5)},
            {0.4, 0.6, Math.log(0.5), Math.log(0.8)},
            {0.3, 0.3, Math.log(0.2), Math.log(0.2)},
            {0.5, 0.5, Math.log(0.3), Math.log(0.4)}};
    private static final double[][] OUTPUTS = {
            {0.53, 0.47, Math.log(0.12), Math.log(0.45)},   // overlapping, a little off every way
            {0.30, 0.62, Math.log(0.5) - 0.4, Math.log(0.9)},
            {0.8, 0.75, Math.log(0.1), Math.log(0.15)},     // disjoint: IoU 0, only the enclosing term has a slope
            {0.5, 0.5, Math.log(0.3), Math.log(0.4)}};      // the true box itself

    /** The loss from the two boxes' corners, computed as the paper writes it (areas of rectangles). */
    private static double byHand(double[] target, double[] output) {
        double[] t = corners(target);
        double[] p = corners(output);
        double iw = Math.max(0, Math.min(t[2], p[2]) - Math.max(t[0], p[0]));
        double ih = Math.max(0, Math.min(t[3], p[3]) - Math.max(t[1], p[1]));
        double intersection = iw * ih;
        double union = area(t) + area(p) - intersection;
        double hull = (Math.max(t[2], p[2]) - Math.min(t[0], p[0])) * (Math.max(t[3], p[3]) - Math.min(t[1], p[1]));
        double giou = intersection / union - (hull - union) / hull;
        return 1 - giou;
    }

    private static double[] corners(double[] encoded) {
        double w = Math.exp(encoded[2]);
        double h = Math.exp(encoded[3]);
        return new double[] {encoded[0] - w / 2, encoded[1] - h / 2, encoded[0] + w / 2, encoded[1] + h / 2};
    }

    private static double area(double[] c) {
        return (c[2] - c[0]) * (c[3] - c[1]);
    }

    @Test
    void scoresEachBoxAsOneMinusItsGeneralizedIou() {
        BoxLossChecks.assertScores(new GeneralizedIouLoss(), TARGETS, OUTPUTS, GeneralizedIouLossTest::byHand);
        assertEquals(0, byHand(TARGETS[3], OUTPUTS[3]), 1e-12, "the true box costs nothing");
        assertTrue(byHand(TARGETS[2], OUTPUTS[2]) > 1, "a box that misses the number costs more than 1");
    }

    /** The same box in a photo stretched either way costs the same: the loss prices the box, not the photo. */
    @Test
    void doesNotChangeWhenAnAxisIsScaled() {
        double[] target = TARGETS[1];
        double[] output = OUTPUTS[1];
        double s = 0.37;
        double[] targetScaled = {target[0] * s, target[1], target[2] + Math.log(s), target[3]};
        double[] outputScaled = {output[0] * s, output[1], output[2] + Math.log(s), output[3]};
        assertEquals(GeneralizedIouLoss.lossAndSlope(target, output, null),
                GeneralizedIouLoss.lossAndSlope(targetScaled, outputScaled, null), 1e-12);
    }

    @Test
    void gradientIsTheScoresSlope() {
        // The fourth example sits at the minimum, where the loss has a kink.
        INDArray gradient = BoxLossChecks.assertGradient(new GeneralizedIouLoss(), TARGETS, OUTPUTS,
                GeneralizedIouLossTest::byHand, 3, 1e-6);
        // The box that misses is pulled towards the number: its centre's slope points away from it.
        assertTrue(gradient.getDouble(2, 0) > 0 && gradient.getDouble(2, 1) > 0, gradient.getRow(2).toString());
    }

    /** Past the clamp a size is priced at the clamp plus its distance beyond, and pulled back at slope 1. */
    @Test
    void farOffSizesArePricedAtTheClampPlusTheirDistanceFromIt() {
        double[] target = TARGETS[0];
        double[] far = {6, 0.5, 40, GeneralizedIouLoss.MIN_LOG - 3};
        double[] slope = new double[4];
        double loss = GeneralizedIouLoss.lossAndSlope(target, far, slope);
        double[] clamped = {6, 0.5, GeneralizedIouLoss.MAX_LOG, GeneralizedIouLoss.MIN_LOG};
        assertEquals(byHand(target, clamped) + (40 - GeneralizedIouLoss.MAX_LOG) + 3, loss, 1e-9);
        assertEquals(1, slope[2]);
        assertEquals(-1, slope[3]);
        double h = 1e-6;
        double[] left = far.clone();
        double[] right = far.clone();
        left[0] -= h;
        right[0] += h;
        double numeric = (GeneralizedIouLoss.lossAndSlope(target, right, null)
                - GeneralizedIouLoss.lossAndSlope(target, left, null)) / (2 * h);
        assertEquals(numeric, slope[0], 1e-6, "the centre keeps its slope");
        assertTrue(slope[0] > 0, "a box right of the number is pulled left: " + slope[0]);
    }

    /** What the clamp is for: a fresh network trained on one batch learns the boxes instead of running away. */
    @Test
    void aFreshNetworkLearnsBoxesWithIt() {
        ComputationGraphFit fit = ComputationGraphFit.run(LocalizerNetwork.Loss.GIOU, 60);
        assertTrue(fit.last() < 0.5 * fit.first(), "loss " + fit.first() + " -> " + fit.last());
    }

    /** A tiny localizer fitted to one batch of random photos and boxes; the loss after the first and last step. */
    private record ComputationGraphFit(double first, double last) {
        static ComputationGraphFit run(LocalizerNetwork.Loss loss, int steps) {
            var net = LocalizerNetwork.build(new LocalizerInput(32, 32), 1, loss, 31, 1e-3);
            Nd4j.getRandom().setSeed(1);
            INDArray x = Nd4j.rand(DataType.FLOAT, 16, 3, 32, 32).subi(0.5);
            float[][] y = new float[16][];
            java.util.Random random = new java.util.Random(2);
            for (int i = 0; i < y.length; i++) {
                y[i] = new float[] {0.3f + 0.4f * random.nextFloat(), 0.3f + 0.4f * random.nextFloat(),
                        (float) Math.log(0.2 + 0.3 * random.nextFloat()), (float) Math.log(0.3 + 0.5 * random.nextFloat())};
            }
            org.nd4j.linalg.dataset.MultiDataSet batch = new org.nd4j.linalg.dataset.MultiDataSet(x, Nd4j.createFromArray(y));
            net.fit(batch);
            double first = net.score();
            for (int s = 1; s < steps; s++) {
                net.fit(batch);
            }
            return new ComputationGraphFit(first, net.score());
        }
    }

    @Test
    void aLocalizerTrainedWithItTravelsInABundle(@TempDir Path dir) {
        BoxLossChecks.assertTravelsInABundle(LocalizerNetwork.Loss.GIOU, dir);
    }
}
