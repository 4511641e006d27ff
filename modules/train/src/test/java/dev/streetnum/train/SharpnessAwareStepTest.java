package dev.streetnum.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class SharpnessAwareStepTest {

    private static final int N = 6;
    private static final int SIDE = 6;
    private static final int CLASSES = 3;
    private static final double RATE = 0.1;

    /** Two softmax heads, the second masked on some examples as the digit heads are, in doubles. */
    private static ComputationGraph net(IUpdater updater, double dropout) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE).seed(5).updater(updater)
                .graphBuilder()
                .addInputs("image")
                .addLayer("conv1", new ConvolutionLayer.Builder(3, 3).nOut(2).activation(Activation.TANH).build(),
                        "image")
                .addLayer("dense1", new DenseLayer.Builder().nOut(4).activation(Activation.TANH)
                        .dropOut(dropout > 0 ? 1 - dropout : 0).build(), "conv1")
                .addLayer("length", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build(), "dense1")
                .addLayer("digit1", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build(), "dense1")
                .setOutputs("length", "digit1")
                .setInputTypes(InputType.convolutional(SIDE, SIDE, 2))
                .build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    private static MultiDataSet batch() {
        Random random = new Random(3);
        INDArray x = Nd4j.rand(DataType.DOUBLE, N, 2, SIDE, SIDE).subi(0.5);
        INDArray length = Nd4j.zeros(DataType.DOUBLE, N, CLASSES);
        INDArray digit = Nd4j.zeros(DataType.DOUBLE, N, CLASSES);
        INDArray digitMask = Nd4j.ones(DataType.DOUBLE, N, 1);
        for (int i = 0; i < N; i++) {
            length.putScalar(i, random.nextInt(CLASSES), 1);
            digit.putScalar(i, random.nextInt(CLASSES), 1);
        }
        digitMask.putScalar(1, 0, 0);
        digitMask.putScalar(4, 0, 0);
        return new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {x}, new INDArray[] {length, digit}, null,
                new INDArray[] {null, digitMask});
    }

    /** The minibatch's mean loss at {@code weights}, as a copy of the network scores it. */
    private static double loss(ComputationGraph net, INDArray weights, MultiDataSet batch) {
        ComputationGraph at = net.clone();
        at.setParams(weights.reshape(at.params().shape()));
        return at.score(batch, true);
    }

    /** The gradient of the mean loss at {@code weights}, by central differences of the network's score. */
    private static INDArray numericGradient(ComputationGraph net, INDArray weights, MultiDataSet batch) {
        double h = 1e-6;
        ComputationGraph at = net.clone();
        at.setParams(weights.reshape(at.params().shape()));
        // The network's own weights, changed one at a time by linear index.
        INDArray probe = at.params();
        INDArray g = Nd4j.zeros(DataType.DOUBLE, weights.length());
        for (int k = 0; k < weights.length(); k++) {
            double v = weights.getDouble(k);
            probe.putScalar(k, v + h);
            double up = at.score(batch, true);
            probe.putScalar(k, v - h);
            double down = at.score(batch, true);
            probe.putScalar(k, v);
            g.putScalar(k, (up - down) / (2 * h));
        }
        return g;
    }

    @Test
    void aStepIsPlainGradientDescentFromTheMeanLossGradientAtTheWeightsMovedRhoUphill() {
        MultiDataSet batch = batch();
        ComputationGraph net = net(new Sgd(RATE), 0);
        INDArray w = net.params().dup().reshape(-1);
        double rho = 0.05;

        // Independently: the mean loss's gradient by finite differences, the point rho along it, the gradient there.
        INDArray g = numericGradient(net, w, batch);
        INDArray uphill = w.add(g.mul(rho / g.norm2Number().doubleValue()));
        INDArray expected = w.sub(numericGradient(net, uphill, batch).mul(RATE));

        new SharpnessAwareStep(rho).fit(net, batch, 1);

        assertArrayEquals(expected.toDoubleVector(), net.params().reshape(-1).toDoubleVector(), 1e-6);
        INDArray plain = w.sub(g.mul(RATE));
        double moved = expected.sub(plain).norm2Number().doubleValue();
        assertTrue(moved > 1e-3, "the step differs from the plain one by " + moved + ": the test tells them apart");
        assertTrue(loss(net, uphill, batch) > loss(net, w, batch), "the perturbation goes uphill");
    }

    @Test
    void bothPassesDropTheSameUnitsSoATinyRadiusGivesThePlainStep() {
        MultiDataSet batch = batch();
        ComputationGraph plain = net(new Sgd(RATE), 0.5);
        ComputationGraph sharp = plain.clone();
        ComputationGraph otherMasks = plain.clone();
        long seed = 77;

        Nd4j.getRandom().setSeed(seed);
        plain.fit(batch);
        new SharpnessAwareStep(1e-9).fit(sharp, batch, seed);
        Nd4j.getRandom().setSeed(seed + 1);
        otherMasks.fit(batch);

        assertArrayEquals(plain.params().toDoubleVector(), sharp.params().toDoubleVector(), 1e-7);
        double apart = plain.params().sub(otherMasks.params()).norm2Number().doubleValue();
        assertTrue(apart > 1e-4, "other dropout masks give another step (" + apart + "): the test tells them apart");
    }

    @Test
    void theRadiusMustBePositiveAndTheConfigSaysSoByName() {
        assertThrows(IllegalArgumentException.class, () -> new SharpnessAwareStep(0));
        assertThrows(IllegalArgumentException.class, () -> new SharpnessAwareStep(Double.NaN));
        TrainConfig d = TrainConfig.defaults(dev.streetnum.model.Preset.TINY);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.withSharpnessRadius(-0.05));
        assertTrue(e.getMessage().contains("sharpness-aware radius"), e.getMessage());
        assertEquals(null, d.sharpnessAwareStep(), "plain steps by default");
        assertEquals(0.05, d.withSharpnessRadius(0.05).sharpnessAwareStep().radius());
        assertEquals(d.runIdentity() + " sharpness-radius=0.05", d.withSharpnessRadius(0.05).runIdentity(),
                "a checkpoint of plain steps does not resume as sharpness-aware, nor the other way");
    }
}
