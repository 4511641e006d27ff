package dev.streetnum.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.streetnum.data.SequenceLabels;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class NetworkFlopsTest {

    @Test
    void countsATinyNetworkByHand() {
        InputType input = InputType.convolutional(6, 6, 2);
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().graphBuilder()
                .addInputs("in")
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(4)
                        .convolutionMode(ConvolutionMode.Same).build(), "in")
                .addLayer("norm", new BatchNormalization.Builder().build(), "conv")
                .addLayer("pool", new SubsamplingLayer.Builder().kernelSize(2, 2).stride(2, 2).build(), "norm")
                .addLayer("dense", new DenseLayer.Builder().nOut(5).build(), "pool")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "dense")
                .setOutputs("out").setInputTypes(input).build();
        // conv: 2 * 3*3 kernel * 2 in * 4 out * 6*6 positions = 5184; batch norm is no matrix product;
        // pool leaves 3*3*4 = 36 inputs: dense 2*36*5 = 360; output 2*5*3 = 30.
        assertEquals(5184 + 360 + 30, NetworkFlops.forwardPerImage(conf, input));
    }

    /**
     * Every preset, the paper's included: the counter's walk of the built configuration against the
     * preset's layer table worked through independently (5x5 "same" convs, pools, dense layers, heads).
     */
    @ParameterizedTest
    @EnumSource(Preset.class)
    void everyPresetAgreesWithItsLayerTable(Preset preset) {
        long side = 54;
        long channels = 3;
        long macs = 0;
        for (int i = 0; i < preset.convLayers(); i++) {
            long out = preset.convChannels(i);
            macs += side * side * out * preset.kernel() * preset.kernel() * channels;
            int stride = preset.poolStride(i);
            if (stride > 0) {
                side = preset.padPools() ? (side + stride - 1) / stride : (side - 2) / stride + 1;
            }
            channels = out;
        }
        long features = side * side * channels;
        for (int i = 0; i < preset.denseLayers(); i++) {
            macs += features * preset.denseWidth(i);
            features = preset.denseWidth(i);
        }
        macs += features * (SequenceLabels.LENGTH_CLASSES + SequenceLabels.MAX_DIGITS * SequenceLabels.DIGIT_CLASSES);
        assertEquals(2 * macs, preset.forwardFlops(), preset.name());
    }
}
