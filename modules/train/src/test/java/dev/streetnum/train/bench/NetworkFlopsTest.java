package dev.streetnum.train.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import dev.streetnum.model.Preset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class NetworkFlopsTest {

    private static final InputType STANDARD_INPUT = InputType.convolutional(54, 54, 3);

    @Test
    void countsATinyNetworkByHand() {
        InputType input = InputType.convolutional(6, 6, 2);
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().graphBuilder()
                .addInputs("in")
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(4)
                        .convolutionMode(ConvolutionMode.Same).build(), "in")
                .addLayer("pool", new SubsamplingLayer.Builder().kernelSize(2, 2).stride(2, 2).build(), "conv")
                .addLayer("dense", new DenseLayer.Builder().nOut(5).build(), "pool")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "dense")
                .setOutputs("out").setInputTypes(input).build();
        // conv: 2 * 3*3 kernel * 2 in * 4 out * 6*6 positions = 5184; pool leaves 3*3*4 = 36 inputs:
        // dense 2*36*5 = 360; output 2*5*3 = 30.
        assertEquals(5184 + 360 + 30, NetworkFlops.forwardPerImage(conf, input));
    }

    @Test
    void probeNetworkIsTheIssuesNetwork() {
        ComputationGraph probe = ThroughputBenchmark.network(Preset.PROBE, 1);
        // Issue 8's layer sizes worked by hand: 5x5 same convs at 54, 27, 13, 6 pixels a side
        // (truncating pools), 3*3*160 = 1440 features into dense 512, heads 7 + 5*10 = 57 classes.
        long[][] convs = {{3, 32, 54}, {32, 64, 27}, {64, 128, 13}, {128, 160, 6}};
        long flops = 0;
        long params = 0;
        for (long[] c : convs) {
            flops += 2 * 25 * c[0] * c[1] * c[2] * c[2];
            params += 25 * c[0] * c[1] + c[1];
        }
        flops += 2 * 1440 * 512 + 2 * 512 * 57;
        params += 1440 * 512 + 512 + 512 * 57 + 57;
        assertEquals(params, probe.numParams());
        assertEquals(1_537_817, params, "the issue's 1.54 M parameters");
        assertEquals(flops, NetworkFlops.forwardPerImage(probe.getConfiguration(), STANDARD_INPUT));
        assertEquals(196, Math.round(flops / 1e6), "the issue's 196 MFLOP per image");
    }

    /** The preset table counts FLOPs from its own layer arithmetic; the graph walk must agree. */
    @ParameterizedTest
    @EnumSource(value = Preset.class, names = {"TINY", "CPU", "PROBE"})
    void agreesWithThePresetTable(Preset preset) {
        ComputationGraph network = ThroughputBenchmark.network(preset, 1);
        assertEquals(preset.forwardFlops(), NetworkFlops.forwardPerImage(network.getConfiguration(), STANDARD_INPUT));
    }
}
