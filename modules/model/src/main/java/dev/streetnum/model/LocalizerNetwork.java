package dev.streetnum.model;

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
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * The localizer's own small network (issue 14): the whole photo stretched to a square, four 3x3 ReLU
 * conv layers each followed by 2x2 max-pooling, one dense layer, and a linear output of the four
 * {@link BoxEncoding} values trained with an L2 loss. About 0.16 M parameters and 9 MFLOP at 64x64, so
 * it trains in CPU minutes and adds a few milliseconds to a request.
 */
public final class LocalizerNetwork {

    /** Input vertex name. */
    public static final String INPUT = "photo";
    /** Output layer name. */
    public static final String OUTPUT = "box";
    /** Channels of conv1..conv4. */
    static final int[] CONV_CHANNELS = {8, 16, 32, 64};
    /** Width of the dense layer before the box output. */
    static final int DENSE_WIDTH = 128;
    private static final int KERNEL = 3;
    private static final int POOL = 2;

    private LocalizerNetwork() {
    }

    /**
     * A new, initialised network for {@code side x side} colour input, trained with Adam.
     *
     * @param side input height and width (a multiple of 16: four poolings halve it)
     */
    public static ComputationGraph build(int side, long seed, double learningRate) {
        if (side < 16 || side % 16 != 0) {
            throw new IllegalArgumentException("the localizer's input side must be a multiple of 16, at least 16; got "
                    + side);
        }
        ComputationGraphConfiguration.GraphBuilder graph = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(new Adam(learningRate))
                .weightInit(WeightInit.RELU)
                .graphBuilder()
                .addInputs(INPUT);
        String previous = INPUT;
        for (int i = 0; i < CONV_CHANNELS.length; i++) {
            String conv = "conv" + (i + 1);
            String pool = "pool" + (i + 1);
            graph.addLayer(conv, new ConvolutionLayer.Builder(KERNEL, KERNEL)
                            .convolutionMode(ConvolutionMode.Same)
                            .nOut(CONV_CHANNELS[i])
                            .activation(Activation.RELU)
                            .build(), previous)
                    .addLayer(pool, new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                            .kernelSize(POOL, POOL)
                            .stride(POOL, POOL)
                            .build(), conv);
            previous = pool;
        }
        graph.addLayer("dense1", new DenseLayer.Builder().nOut(DENSE_WIDTH).activation(Activation.RELU).build(), previous)
                .addLayer(OUTPUT, new OutputLayer.Builder(LossFunction.MSE)
                        .nOut(BoxEncoding.VALUES)
                        .activation(Activation.IDENTITY)
                        .weightInit(WeightInit.XAVIER)
                        .build(), "dense1")
                .setOutputs(OUTPUT)
                .setInputTypes(InputType.convolutional(side, side, 3));
        ComputationGraph network = new ComputationGraph(graph.build());
        network.init();
        return network;
    }
}
