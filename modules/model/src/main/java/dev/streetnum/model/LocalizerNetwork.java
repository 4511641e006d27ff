package dev.streetnum.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * The localizer's own small network (issue 14): the whole photo stretched to its input, four 3x3 ReLU
 * conv layers each followed by 2x2 max-pooling, one dense layer, and a linear output of the four
 * {@link BoxEncoding} values trained with an L2 loss (or {@link RelativeBoxLoss}). About 0.16 M parameters
 * and 9 MFLOP at 64x64 (width 1), so it trains in CPU minutes and adds a few milliseconds to a request; a
 * width of w multiplies every layer's channels by w (about w^2 the parameters and FLOPs). The bundle
 * stores the built network, so a reader needs no width.
 */
public final class LocalizerNetwork {

    /** Input vertex name. */
    public static final String INPUT = "photo";
    /** Output layer name. */
    public static final String OUTPUT = "box";
    /** Channels of conv1..conv4 at width 1. */
    static final int[] CONV_CHANNELS = {8, 16, 32, 64};
    /** Width of the dense layer before the box output, at width 1. */
    static final int DENSE_WIDTH = 128;
    /** The widest localizer: 64-128-256-512 conv would cost as much as the transcriber. */
    public static final int MAX_WIDTH = 4;
    private static final int KERNEL = 3;
    private static final int POOL = 2;

    private LocalizerNetwork() {
    }

    /** What training minimises; the outputs mean the same under either, so only training sees it. */
    public enum Loss {
        /** Squared error on the four encoded values (the first localizers'). */
        L2,
        /** {@link RelativeBoxLoss}: the centre's error in units of the number's own size, smooth L1. */
        RELATIVE,
        /** {@link GeneralizedIouLoss}: 1 - IoU of the decoded boxes plus the enclosing box's empty share. */
        GIOU;

        ILossFunction function() {
            return switch (this) {
                case L2 -> LossFunction.MSE.getILossFunction();
                case RELATIVE -> new RelativeBoxLoss();
                case GIOU -> new GeneralizedIouLoss();
            };
        }
    }

    /** The loss a network's box output is trained with. */
    public static Loss lossOf(ComputationGraph network) {
        Class<?> trained = outputLayer(network).getLossFn().getClass();
        for (Loss loss : Loss.values()) {
            if (loss.function().getClass() == trained) {
                return loss;
            }
        }
        return Loss.L2;
    }

    /**
     * Trains the network on with another loss (e.g. a localizer trained with L2, continued with
     * {@link Loss#RELATIVE}); the weights are untouched.
     */
    public static void useLoss(ComputationGraph network, Loss loss) {
        outputLayer(network).setLossFn(loss.function());
    }

    private static BaseOutputLayer outputLayer(ComputationGraph network) {
        return (BaseOutputLayer) network.getLayer(OUTPUT).conf().getLayer();
    }

    /**
     * The width multiplier a built localizer network was made with, read from its first layer (the
     * bundle stores the network, not the option that built it).
     */
    public static int widthOf(ComputationGraph network) {
        long channels = ((ConvolutionLayer) network.getLayer("conv1").conf().getLayer()).getNOut();
        if (channels % CONV_CHANNELS[0] != 0) {
            throw new IllegalArgumentException("not a localizer network: conv1 has " + channels + " channels");
        }
        return (int) (channels / CONV_CHANNELS[0]);
    }

    /** {@link #build(int, int, long, double)} at width 1, the first localizers' size. */
    public static ComputationGraph build(int side, long seed, double learningRate) {
        return build(side, 1, seed, learningRate);
    }

    /** {@link #build(LocalizerInput, int, Loss, long, double)} for a square {@code side x side} input, L2 loss. */
    public static ComputationGraph build(int side, int width, long seed, double learningRate) {
        return build(new LocalizerInput(side, side), width, Loss.L2, seed, learningRate);
    }

    /**
     * A new, initialised network for colour input of this size, trained with Adam.
     *
     * @param width channel multiplier of every layer (1: 8-16-32-64 conv, 128 dense)
     */
    public static ComputationGraph build(LocalizerInput input, int width, Loss loss, long seed, double learningRate) {
        if (width < 1 || width > MAX_WIDTH) {
            throw new IllegalArgumentException("the localizer's width is a channel multiplier in [1, " + MAX_WIDTH
                    + "]; got " + width);
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
                            .nOut(CONV_CHANNELS[i] * width)
                            .activation(Activation.RELU)
                            .build(), previous)
                    .addLayer(pool, new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                            .kernelSize(POOL, POOL)
                            .stride(POOL, POOL)
                            .build(), conv);
            previous = pool;
        }
        graph.addLayer("dense1", new DenseLayer.Builder().nOut(DENSE_WIDTH * width).activation(Activation.RELU).build(), previous)
                .addLayer(OUTPUT, new OutputLayer.Builder(loss.function())
                        .nOut(BoxEncoding.VALUES)
                        .activation(Activation.IDENTITY)
                        .weightInit(WeightInit.XAVIER)
                        .build(), "dense1")
                .setOutputs(OUTPUT)
                .setInputTypes(InputType.convolutional(input.height(), input.width(), 3));
        ComputationGraph network = new ComputationGraph(graph.build());
        network.init();
        return network;
    }
}
