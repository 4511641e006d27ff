package dev.streetnum.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class RelativeBoxLossTest {

    private static final double[][] TARGETS = {
            {0.5, 0.5, Math.log(0.1), Math.log(0.5)},   // a number a tenth of its photo wide
            {0.4, 0.6, Math.log(0.5), Math.log(0.8)}};
    private static final double[][] OUTPUTS = {
            {0.55, 0.45, Math.log(0.12), Math.log(0.5) + 2.0},  // half a box right; height far off: linear tail
            {0.30, 0.62, Math.log(0.5) - 0.4, Math.log(0.8)}};

    private static INDArray array(double[][] rows) {
        return Nd4j.createFromArray(rows).castTo(DataType.DOUBLE);
    }

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
        RelativeBoxLoss loss = new RelativeBoxLoss();
        INDArray scores = loss.computeScoreArray(array(TARGETS), array(OUTPUTS), new ActivationIdentity(), null);
        for (int i = 0; i < TARGETS.length; i++) {
            assertEquals(byHand(TARGETS[i], OUTPUTS[i]), scores.getDouble(i, 0), 1e-9, "example " + i);
        }
        // Half a box right on the small number costs 0.125, as half a box on any number would.
        assertEquals(0.5 * 0.5 * 0.5, 0.5 * Math.pow((0.55 - 0.5) / 0.1, 2), 1e-12);
        double total = byHand(TARGETS[0], OUTPUTS[0]) + byHand(TARGETS[1], OUTPUTS[1]);
        assertEquals(total, loss.computeScore(array(TARGETS), array(OUTPUTS), new ActivationIdentity(), null, false), 1e-9);
        assertEquals(total / 2, loss.computeScore(array(TARGETS), array(OUTPUTS), new ActivationIdentity(), null, true), 1e-9);
        INDArray keepSecond = Nd4j.createFromArray(new double[][] {{0}, {1}});
        assertEquals(byHand(TARGETS[1], OUTPUTS[1]),
                loss.computeScore(array(TARGETS), array(OUTPUTS), new ActivationIdentity(), keepSecond, false), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> loss.computeScoreArray(array(TARGETS), array(OUTPUTS),
                new ActivationIdentity(), Nd4j.ones(DataType.DOUBLE, 2, 4)));
    }

    @Test
    void gradientIsTheScoresSlope() {
        RelativeBoxLoss loss = new RelativeBoxLoss();
        INDArray gradient = loss.computeGradient(array(TARGETS), array(OUTPUTS), new ActivationIdentity(), null);
        double h = 1e-6;
        for (int i = 0; i < TARGETS.length; i++) {
            for (int k = 0; k < BoxEncoding.VALUES; k++) {
                double[] up = OUTPUTS[i].clone();
                double[] down = OUTPUTS[i].clone();
                up[k] += h;
                down[k] -= h;
                double numeric = (byHand(TARGETS[i], up) - byHand(TARGETS[i], down)) / (2 * h);
                assertEquals(numeric, gradient.getDouble(i, k), 1e-5, "example " + i + ", output " + k);
            }
        }
    }

    @Test
    void aLocalizerTrainedWithItTravelsInABundleAndReadsAsAnyOther(@TempDir Path dir) {
        LocalizerInput input = new LocalizerInput(32, 32);
        Localizer localizer = new Localizer(LocalizerNetwork.build(input, 1, LocalizerNetwork.Loss.RELATIVE, 3, 1e-3),
                LocalizerMetadata.create(input, Map.of(), Map.of()));
        assertEquals(LocalizerNetwork.Loss.RELATIVE, LocalizerNetwork.lossOf(localizer.network()));
        // The loss does not touch the weights: the same seed gives the same network as with L2.
        assertEquals(LocalizerNetwork.build(32, 1, 3, 1e-3).params(), localizer.network().params());
        Path file = dir.resolve("relative.bundle");
        TestBundles.tiny(2).withLocalizer(localizer).save(file);
        Localizer loaded = ModelBundle.load(file).localizer().orElseThrow();
        assertEquals(LocalizerNetwork.Loss.RELATIVE, LocalizerNetwork.lossOf(loaded.network()));
        List<org.bytedeco.opencv.opencv_core.Mat> photos = List.of(
                new org.bytedeco.opencv.opencv_core.Mat(40, 90, org.bytedeco.opencv.global.opencv_core.CV_8UC3,
                        new org.bytedeco.opencv.opencv_core.Scalar(30, 90, 200, 0)));
        assertEquals(localizer.localize(photos), loaded.localize(photos));

        LocalizerNetwork.useLoss(loaded.network(), LocalizerNetwork.Loss.L2);
        assertEquals(LocalizerNetwork.Loss.L2, LocalizerNetwork.lossOf(loaded.network()));
        assertArrayEquals(localizer.network().params().toFloatVector(), loaded.network().params().toFloatVector());
    }
}
