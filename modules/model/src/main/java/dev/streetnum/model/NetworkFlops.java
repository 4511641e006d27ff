package dev.streetnum.model;

import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;

/**
 * Floating-point operations of one image's forward pass, counting a multiply-add as two FLOPs and
 * only the convolutions and matrix products (the usual convention; pooling, activations and biases
 * are under 1% in these networks). The project's one FLOP counter: {@link Preset#forwardFlops()} and
 * the throughput benchmark both walk the built configuration with it.
 */
public final class NetworkFlops {

    /**
     * Backprop computes two products per forward product (input gradient and weight gradient), so a
     * training step costs about three forward passes.
     */
    public static final int TRAINING_PASSES = 3;

    private NetworkFlops() {
    }

    /** Forward FLOPs per image of a graph with one input of the given type. */
    public static long forwardPerImage(ComputationGraphConfiguration conf, InputType input) {
        Map<String, InputType> outputs = conf.getLayerActivationTypes(input);
        long flops = 0;
        for (Map.Entry<String, GraphVertex> entry : conf.getVertices().entrySet()) {
            if (!(entry.getValue() instanceof LayerVertex vertex)) {
                continue;
            }
            Layer layer = vertex.getLayerConf().getLayer();
            if (layer instanceof org.deeplearning4j.nn.conf.layers.BatchNormalization) {
                continue; // a per-channel scale and shift: no matrix product
            }
            if (layer instanceof ConvolutionLayer conv) {
                InputType.InputTypeConvolutional out = (InputType.InputTypeConvolutional) outputs.get(entry.getKey());
                int[] kernel = conv.getKernelSize();
                flops += 2L * kernel[0] * kernel[1] * conv.getNIn() * conv.getNOut() * out.getHeight() * out.getWidth();
            } else if ((layer instanceof DenseLayer || layer instanceof BaseOutputLayer)
                    && layer instanceof FeedForwardLayer dense) {
                // Only the matrix products: a batch-norm layer is a FeedForwardLayer too, but no product.
                flops += 2L * dense.getNIn() * dense.getNOut();
            }
        }
        return flops;
    }
}
