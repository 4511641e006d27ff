package dev.streetnum.model;

import dev.streetnum.data.PreprocessConfig;
import dev.streetnum.data.SequenceLabels;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * Builds the six-head ReLU convnet of a {@link Preset}: conv1/pool1 ... convK/poolK (a convolution
 * without a pool has no poolK), dense1.., then
 * the softmax heads "length" (7 classes) and "digit1".."digit5" (10 classes), each with a
 * cross-entropy loss. With the iterator's label masks (0 for digit heads past the number's length)
 * the score is the mean over the minibatch of -log P(S|x) (DESIGN section 4; proven by a test).
 */
public final class StreetNumberNetwork {

    /** Input vertex name. */
    public static final String INPUT = "image";
    /** Output layer names in head order (matches {@code SequenceLabels}). */
    public static final String[] OUTPUTS = {"length", "digit1", "digit2", "digit3", "digit4", "digit5"};

    private StreetNumberNetwork() {
    }

    /** A new, initialised network for the standard 54x54 colour input, trained with Adam. */
    public static ComputationGraph build(Preset preset, NetworkOptions options) {
        return build(preset, options, PreprocessConfig.DEFAULT.crop(), DataType.FLOAT,
                new Adam(options.learningRate()));
    }

    /**
     * The general form, for gradient checks (small input, double precision, NoOp updater).
     *
     * @param side input height and width
     */
    static ComputationGraph build(Preset preset, NetworkOptions options, int side, DataType dataType,
                                  IUpdater updater) {
        ComputationGraph network = new ComputationGraph(configuration(preset, options, side, dataType, updater));
        network.init();
        return network;
    }

    /** The configuration {@link #build} initialises: cheap, no weights (FLOP counts read it). */
    static ComputationGraphConfiguration configuration(Preset preset, NetworkOptions options, int side,
                                                       DataType dataType, IUpdater updater) {
        NeuralNetConfiguration.Builder global = new NeuralNetConfiguration.Builder()
                .seed(options.seed())
                .dataType(dataType)
                .updater(updater)
                .weightInit(WeightInit.RELU);
        if (options.weightDecay() > 0) {
            global.l2(options.weightDecay());
        }
        ComputationGraphConfiguration.GraphBuilder graph = global.graphBuilder().addInputs(INPUT);
        String previous = INPUT;
        for (int i = 0; i < preset.convLayers(); i++) {
            String conv = "conv" + (i + 1);
            String pool = "pool" + (i + 1);
            int stride = preset.poolStride(i);
            graph.addLayer(conv, new ConvolutionLayer.Builder(preset.kernel(), preset.kernel())
                    .convolutionMode(ConvolutionMode.Same)
                    .nOut(preset.convChannels(i))
                    .activation(preset.batchNorm() ? Activation.IDENTITY : Activation.RELU)
                    .build(), previous);
            String pooled = conv;
            if (preset.batchNorm()) {
                String norm = "norm" + (i + 1);
                String relu = "relu" + (i + 1);
                graph.addLayer(norm, new BatchNormalization.Builder().build(), conv)
                        .addLayer(relu, new ActivationLayer.Builder().activation(Activation.RELU).build(), norm);
                pooled = relu;
            }
            if (stride == Preset.NO_POOL) {
                previous = pooled;
                continue;
            }
            graph.addLayer(pool, new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                            .kernelSize(Preset.POOL_WINDOW, Preset.POOL_WINDOW)
                            .stride(stride, stride)
                            .convolutionMode(preset.padPools() ? ConvolutionMode.Same : ConvolutionMode.Truncate)
                            .build(), pooled);
            previous = pool;
        }
        for (int i = 0; i < preset.denseLayers(); i++) {
            String dense = "dense" + (i + 1);
            DenseLayer.Builder layer = new DenseLayer.Builder()
                    .nOut(preset.denseWidth(i))
                    .activation(Activation.RELU);
            if (options.dropout() > 0) {
                layer.dropOut(1 - options.dropout()); // DL4J takes the probability of *keeping* a unit
            }
            graph.addLayer(dense, layer.build(), previous);
            previous = dense;
        }
        graph.addLayer(OUTPUTS[0], head(SequenceLabels.LENGTH_CLASSES), previous);
        for (int i = 1; i < OUTPUTS.length; i++) {
            graph.addLayer(OUTPUTS[i], head(SequenceLabels.DIGIT_CLASSES), previous);
        }
        graph.setOutputs(OUTPUTS)
                .setInputTypes(InputType.convolutional(side, side, PreprocessConfig.DEFAULT.channels()));
        return graph.build();
    }

    private static OutputLayer head(int classes) {
        return new OutputLayer.Builder(LossFunction.MCXENT)
                .nOut(classes)
                .activation(Activation.SOFTMAX)
                .build();
    }
}
