package dev.streetnum.model.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The oneDNN path must compute what DL4J's reference path computes: same weights, same outputs and
 * same gradients (1e-4), and it must really be in use (the helpers are attached to the layers).
 */
class CpuAccelerationTest {

    private static final double TOLERANCE = 1e-4;
    private static final int SIDE = 13;
    private static final int CHANNELS = 3;
    private static final int CLASSES = 4;
    private static final int BATCH = 5;

    @AfterEach
    void backToReference() {
        CpuAcceleration.disable();
    }

    /** Probe-shaped, only smaller: 5x5 same convs with truncating 2x2 stride-2 max-pools (13-6-3, odd like 27 and 13). */
    private static ComputationGraphConfiguration configuration() {
        return new NeuralNetConfiguration.Builder()
                .seed(7).updater(new Adam(1e-3)).weightInit(WeightInit.RELU).dataType(DataType.FLOAT)
                .graphBuilder()
                .addInputs("image")
                .addLayer("conv1", new ConvolutionLayer.Builder(5, 5).nOut(4)
                        .convolutionMode(ConvolutionMode.Same).activation(Activation.RELU).build(), "image")
                .addLayer("pool1", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                        .kernelSize(2, 2).stride(2, 2).convolutionMode(ConvolutionMode.Truncate).build(), "conv1")
                .addLayer("conv2", new ConvolutionLayer.Builder(5, 5).nOut(6)
                        .convolutionMode(ConvolutionMode.Same).activation(Activation.RELU).build(), "pool1")
                .addLayer("pool2", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                        .kernelSize(2, 2).stride(2, 2).convolutionMode(ConvolutionMode.Truncate).build(), "conv2")
                .addLayer("dense1", new DenseLayer.Builder().nOut(8).activation(Activation.RELU).build(), "pool2")
                .addLayer("length", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(CLASSES).activation(Activation.SOFTMAX).build(), "dense1")
                .setOutputs("length")
                .setInputTypes(InputType.convolutional(SIDE, SIDE, CHANNELS))
                .build();
    }

    private static ComputationGraph network(boolean accelerated, INDArray params) {
        if (accelerated) {
            assertTrue(CpuAcceleration.enable(), "the loaded ND4J build has no oneDNN: " + CpuAcceleration.nativeBuild());
        } else {
            CpuAcceleration.disable();
        }
        ComputationGraph network = new ComputationGraph(configuration());
        network.init(params, true);
        return network;
    }

    @Test
    void acceleratedLayersUseOneDnnAndReferenceLayersDoNot() {
        ComputationGraph reference = network(false, null);
        ComputationGraph fast = network(true, reference.params());
        assertNull(reference.getLayer("conv1").getHelper());
        assertNull(reference.getLayer("pool1").getHelper());
        assertInstanceOf(MKLDNNConvHelper.class, fast.getLayer("conv1").getHelper());
        assertInstanceOf(MKLDNNSubsamplingHelper.class, fast.getLayer("pool1").getHelper());
        // What run.json records is asked of the built layers, not of the switch.
        assertEquals(java.util.List.of(), CpuAcceleration.layersWithHelpers(reference));
        java.util.List<String> helped = CpuAcceleration.layersWithHelpers(fast);
        assertTrue(helped.containsAll(java.util.List.of("conv1", "pool1", "conv2", "pool2")), helped.toString());
    }

    @Test
    void sameOutputsAndGradientsAsTheReferencePath() {
        Nd4j.getRandom().setSeed(11);
        INDArray images = Nd4j.rand(DataType.FLOAT, BATCH, CHANNELS, SIDE, SIDE).subi(0.5);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, BATCH, CLASSES);
        for (int b = 0; b < BATCH; b++) {
            labels.putScalar(b, b % CLASSES, 1);
        }
        ComputationGraph reference = network(false, null);
        ComputationGraph fast = network(true, reference.params().dup());

        assertClose(reference.outputSingle(images), fast.outputSingle(images), "outputs");

        reference.setInputs(images);
        reference.setLabels(labels);
        reference.computeGradientAndScore();
        fast.setInputs(images);
        fast.setLabels(labels);
        fast.computeGradientAndScore();
        assertEquals(reference.score(), fast.score(), TOLERANCE, "loss");
        for (String name : reference.gradient().gradientForVariable().keySet()) {
            assertClose(reference.gradient().getGradientFor(name), fast.gradient().getGradientFor(name),
                    "gradient of " + name);
        }
    }

    /** Elementwise |a - b| <= 1e-4 * max(1, |a|): absolute for small values, relative for large ones. */
    private static void assertClose(INDArray expected, INDArray actual, String what) {
        assertEquals(expected.length(), actual.length(), what + ": lengths");
        double[] e = expected.dup().data().asDouble();
        double[] a = actual.dup().data().asDouble();
        double worst = 0;
        for (int i = 0; i < e.length; i++) {
            worst = Math.max(worst, Math.abs(e[i] - a[i]) / Math.max(1, Math.abs(e[i])));
        }
        assertTrue(worst <= TOLERANCE, what + " differ by " + worst + " (relative) between the paths");
    }
}
