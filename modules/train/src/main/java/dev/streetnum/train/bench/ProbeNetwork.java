package dev.streetnum.train.bench;

import dev.streetnum.data.PreprocessConfig;
import dev.streetnum.data.SequenceLabels;
import dev.streetnum.model.StreetNumberNetwork;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The speed-issue reference network (issue 8), built here until the model module's
 * {@code Preset.PROBE} lands: four 5x5 same-padded ReLU conv layers 32-64-128-160, each followed by
 * a 2x2 stride-2 max-pool (truncating: 54-27-13-6-3), dense 512, then the length head and five digit
 * heads. 1,537,817 parameters, about 196 MFLOP per 54x54 image forward.
 */
final class ProbeNetwork {

    static final int[] CONV_CHANNELS = {32, 64, 128, 160};
    static final int KERNEL = 5;
    static final int POOL = 2;
    static final int DENSE_UNITS = 512;
    /** Adam's default step; the bench measures speed, not learning, so any sane value does. */
    static final double LEARNING_RATE = 1e-3;

    private ProbeNetwork() {
    }

    static ComputationGraph build(long seed) {
        int side = PreprocessConfig.DEFAULT.crop();
        ComputationGraphConfiguration.GraphBuilder graph = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(new Adam(LEARNING_RATE))
                .weightInit(WeightInit.RELU)
                .graphBuilder()
                .addInputs(StreetNumberNetwork.INPUT);
        String previous = StreetNumberNetwork.INPUT;
        for (int i = 0; i < CONV_CHANNELS.length; i++) {
            String conv = "conv" + (i + 1);
            String pool = "pool" + (i + 1);
            graph.addLayer(conv, new ConvolutionLayer.Builder(KERNEL, KERNEL)
                    .nOut(CONV_CHANNELS[i]).convolutionMode(ConvolutionMode.Same)
                    .activation(Activation.RELU).build(), previous);
            graph.addLayer(pool, new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                    .kernelSize(POOL, POOL).stride(POOL, POOL)
                    .convolutionMode(ConvolutionMode.Truncate).build(), conv);
            previous = pool;
        }
        graph.addLayer("dense1", new DenseLayer.Builder().nOut(DENSE_UNITS)
                .activation(Activation.RELU).build(), previous);
        for (int h = 0; h < SequenceLabels.HEADS; h++) {
            int classes = h == 0 ? SequenceLabels.LENGTH_CLASSES : SequenceLabels.DIGIT_CLASSES;
            graph.addLayer(StreetNumberNetwork.OUTPUTS[h], new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                    .nOut(classes).activation(Activation.SOFTMAX).build(), "dense1");
        }
        graph.setOutputs(StreetNumberNetwork.OUTPUTS)
                .setInputTypes(InputType.convolutional(side, side, PreprocessConfig.DEFAULT.channels()));
        ComputationGraph network = new ComputationGraph(graph.build());
        network.init();
        return network;
    }
}
