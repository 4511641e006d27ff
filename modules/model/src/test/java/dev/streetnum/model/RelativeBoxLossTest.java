package dev.streetnum.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RelativeBoxLossTest {

    private static final double[][] TARGETS = {
            {0.5, 0.5, Math.log(0.1), Math.log(0.5)},   // a number a tenth of its photo wide
            {0.4, 0.6, Math.log(0.5), Math.log(0.8)}};
    private static final double[][] OUTPUTS = {
            {0.55, 0.45, Math.log(0.12), Math.log(0.5) + 2.0},  // half a box right; height far off: linear tail
            {0.30, 0.62, Math.log(0.5) - 0.4, Math.log(0.8)}};

    /** The loss written out by hand, one example at a time. */
    private static double byHand(double[] target, double[] output) {
        double[] d = {
                (output[0] - target[0]) / Math.exp(target[2]),
                (output[1] - target[1]) / Math.exp(target[3]),
                output[2] - target[2],
                output[3] - target[3]};
        double sum = 0;
        for (double v : d) {
            double a = Math.abs(v);
            sum += a < 1 ? 0.5 * a * a : a - 0.5;
        }
        return sum;
    }

    @Test
    void scoresEachBoxByItsOwnSize() {
        BoxLossChecks.assertScores(new RelativeBoxLoss(), TARGETS, OUTPUTS, RelativeBoxLossTest::byHand);
        // Half a box right on the small number costs 0.125, as half a box on any number would.
        assertEquals(0.5 * 0.5 * 0.5, 0.5 * Math.pow((0.55 - 0.5) / 0.1, 2), 1e-12);
    }

    @Test
    void gradientIsTheScoresSlope() {
        BoxLossChecks.assertGradient(new RelativeBoxLoss(), TARGETS, OUTPUTS, RelativeBoxLossTest::byHand,
                TARGETS.length, 1e-5);
    }

    @Test
    void aLocalizerTrainedWithItTravelsInABundleAndReadsAsAnyOther(@TempDir Path dir) {
        Localizer loaded = BoxLossChecks.assertTravelsInABundle(LocalizerNetwork.Loss.RELATIVE, dir);
        // The loss does not touch the weights: the same seed gives the same network as with L2.
        assertEquals(LocalizerNetwork.build(32, 1, 3, 1e-3).params(), loaded.network().params());

        LocalizerNetwork.useLoss(loaded.network(), LocalizerNetwork.Loss.L2);
        assertEquals(LocalizerNetwork.Loss.L2, LocalizerNetwork.lossOf(loaded.network()));
        assertArrayEquals(LocalizerNetwork.build(32, 1, 3, 1e-3).params().toFloatVector(),
                loaded.network().params().toFloatVector());
    }
}
