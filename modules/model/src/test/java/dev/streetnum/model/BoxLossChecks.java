package dev.streetnum.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/** What every localizer loss must do, checked against the loss written out by hand, one example at a time. */
final class BoxLossChecks {

    /** A loss of one example, from its four target and four output values. */
    interface ByHand {
        double loss(double[] target, double[] output);
    }

    static INDArray array(double[][] rows) {
        return Nd4j.createFromArray(rows).castTo(DataType.DOUBLE);
    }

    /** Each example's score, their sum and mean, a mask keeping the second alone; a mask of another shape refused. */
    static void assertScores(ILossFunction loss, double[][] targets, double[][] outputs, ByHand byHand) {
        INDArray scores = loss.computeScoreArray(array(targets), array(outputs), new ActivationIdentity(), null);
        double total = 0;
        for (int i = 0; i < targets.length; i++) {
            assertEquals(byHand.loss(targets[i], outputs[i]), scores.getDouble(i, 0), 1e-9, "example " + i);
            total += byHand.loss(targets[i], outputs[i]);
        }
        assertEquals(total, loss.computeScore(array(targets), array(outputs), new ActivationIdentity(), null, false), 1e-9);
        assertEquals(total / targets.length,
                loss.computeScore(array(targets), array(outputs), new ActivationIdentity(), null, true), 1e-9);
        double[][] keepSecond = new double[targets.length][1];
        keepSecond[1][0] = 1;
        assertEquals(byHand.loss(targets[1], outputs[1]), loss.computeScore(array(targets), array(outputs),
                new ActivationIdentity(), array(keepSecond), false), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> loss.computeScoreArray(array(targets), array(outputs),
                new ActivationIdentity(), Nd4j.ones(DataType.DOUBLE, targets.length, 4)));
    }

    /** The gradient of the first {@code examples} examples against central differences of the loss by hand. */
    static INDArray assertGradient(ILossFunction loss, double[][] targets, double[][] outputs, ByHand byHand,
                                   int examples, double tolerance) {
        INDArray gradient = loss.computeGradient(array(targets), array(outputs), new ActivationIdentity(), null);
        double h = 1e-6;
        for (int i = 0; i < examples; i++) {
            for (int k = 0; k < BoxEncoding.VALUES; k++) {
                double[] up = outputs[i].clone();
                double[] down = outputs[i].clone();
                up[k] += h;
                down[k] -= h;
                double numeric = (byHand.loss(targets[i], up) - byHand.loss(targets[i], down)) / (2 * h);
                assertEquals(numeric, gradient.getDouble(i, k), tolerance, "example " + i + ", output " + k);
            }
        }
        return gradient;
    }

    /** A localizer built with {@code loss} keeps it through a bundle and reads a photo as before; the reloaded one. */
    static Localizer assertTravelsInABundle(LocalizerNetwork.Loss loss, Path dir) {
        LocalizerInput input = new LocalizerInput(32, 32);
        Localizer localizer = new Localizer(LocalizerNetwork.build(input, 1, loss, 3, 1e-3),
                LocalizerMetadata.create(input, Map.of(), Map.of()));
        assertEquals(loss, LocalizerNetwork.lossOf(localizer.network()));
        Path file = dir.resolve(loss + ".bundle");
        TestBundles.tiny(2).withLocalizer(localizer).save(file);
        Localizer loaded = ModelBundle.load(file).localizer().orElseThrow();
        assertEquals(loss, LocalizerNetwork.lossOf(loaded.network()));
        List<Mat> photos = List.of(new Mat(40, 90, opencv_core.CV_8UC3, new Scalar(30, 90, 200, 0)));
        assertEquals(localizer.localize(photos), loaded.localize(photos));
        return loaded;
    }

    private BoxLossChecks() {
    }
}
