package dev.streetnum.onnx;

import dev.streetnum.data.PreprocessConfig;
import dev.streetnum.model.Localizer;
import dev.streetnum.model.LocalizerInput;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.StreetNumberNetwork;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A bundle's network read out of DL4J as the chain of layers ONNX expresses: convolutions, max-pools,
 * dense layers (each with its ReLU or none), then the heads, which all read the last layer: a
 * transcriber's six softmax heads, or a localizer's one linear output of four box values.
 * Batch norm is folded into the layer before it, and a separate ReLU layer joins the layer before it.
 * Weights are copied into ONNX's layouts here, once: convolution weights stay [out,in,kh,kw] (DL4J's
 * layout is ONNX's), dense and head weights go from DL4J's [in,out] to [out,in] for Gemm with
 * transB=1, and "same" padding becomes explicit pads computed by DL4J's rule.
 *
 * @param channels input channels
 * @param height   input height
 * @param width    input width
 * @param body     the layers before the heads, in order
 * @param heads    the heads in network order (length, digit1..digit5; or the localizer's box)
 */
record LayerChain(int channels, int height, int width, List<Layer> body, Heads heads) {

    /** A layer of the body. */
    sealed interface Layer permits Conv, MaxPool, Dense {
        String name();
    }

    /**
     * @param weights [out,in,kh,kw] row-major
     * @param pads    ONNX order: top, left, bottom, right
     */
    record Conv(String name, int out, int in, int kernelH, int kernelW, float[] weights, float[] bias,
                int[] strides, int[] pads, boolean relu) implements Layer {
    }

    /** @param pads ONNX order: top, left, bottom, right */
    record MaxPool(String name, int[] kernel, int[] strides, int[] pads) implements Layer {
    }

    /**
     * @param weights [out,in] row-major (Gemm transB=1)
     * @param flattenFirst whether its input is a feature map DL4J flattens first (channels, then rows, then columns)
     */
    record Dense(String name, int out, int in, float[] weights, float[] bias, boolean relu, boolean flattenFirst)
            implements Layer {
    }

    /**
     * The heads as one product: their weights stacked, [sum of classes, in], then split per head.
     *
     * @param names   output names (DL4J's layer names)
     * @param classes classes (or values) per head
     * @param softmax whether each head is a softmax; otherwise there is one linear head (a localizer's box)
     */
    record Heads(List<String> names, int[] classes, int in, float[] weights, float[] bias, boolean softmax) {

        int units() {
            return Arrays.stream(classes).sum();
        }
    }

    /** Reads the bundle's network; a layer ONNX export does not cover is an error naming it. */
    static LayerChain of(ModelBundle bundle) {
        PreprocessConfig preprocess = bundle.metadata().preprocess();
        return of(bundle.network(), preprocess.channels(), preprocess.crop(), preprocess.crop());
    }

    /** Reads a localizer's network: its input is the photo stretched to the localizer's input size. */
    static LayerChain of(Localizer localizer) {
        LocalizerInput input = localizer.metadata().input();
        return of(localizer.network(), 3, input.height(), input.width());
    }

    static LayerChain of(ComputationGraph network, int channels, int height, int width) {
        ComputationGraphConfiguration conf = network.getConfiguration();
        if (conf.getNetworkInputs().size() != 1) {
            throw new IllegalArgumentException("ONNX export takes a network with one input, this one has "
                    + conf.getNetworkInputs());
        }
        List<String> outputs = conf.getNetworkOutputs();
        List<Layer> body = new ArrayList<>();
        int h = height;
        int w = width;
        int depth = channels;
        boolean spatial = true;
        String previous = conf.getNetworkInputs().get(0);
        for (String name : conf.getTopologicalOrderStr()) {
            GraphVertex vertex = conf.getVertices().get(name);
            if (vertex == null || outputs.contains(name)) {
                continue; // the input, or a head (read below)
            }
            requireChain(conf, name, previous);
            if (!(vertex instanceof LayerVertex lv)) {
                throw unsupported(name, vertex.getClass().getSimpleName());
            }
            org.deeplearning4j.nn.conf.layers.Layer layer = lv.getLayerConf().getLayer();
            if (layer instanceof ConvolutionLayer conv && layer.getClass() == ConvolutionLayer.class) {
                if (conv.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
                    throw unsupported(name, "a convolution in " + conv.getCnn2dDataFormat() + " layout");
                }
                if (conv.getDilation()[0] != 1 || conv.getDilation()[1] != 1) {
                    throw unsupported(name, "a dilated convolution");
                }
                int[] k = conv.getKernelSize();
                int[] s = conv.getStride();
                int[] pads = pads(conv.getConvolutionMode(), h, w, k, s, conv.getPadding());
                INDArray weights = network.getLayer(name).getParam("W");
                int out = (int) conv.getNOut();
                body.add(new Conv(name, out, depth, k[0], k[1], floats(weights), floats(network.getLayer(name).getParam("b")),
                        s, pads, relu(name, conv)));
                h = outSide(h, k[0], s[0], pads[0] + pads[2]);
                w = outSide(w, k[1], s[1], pads[1] + pads[3]);
                depth = out;
            } else if (layer instanceof SubsamplingLayer pool && layer.getClass() == SubsamplingLayer.class) {
                if (pool.getPoolingType() != org.deeplearning4j.nn.conf.layers.PoolingType.MAX) {
                    throw unsupported(name, pool.getPoolingType() + " pooling");
                }
                int[] k = pool.getKernelSize();
                int[] s = pool.getStride();
                int[] pads = pads(pool.getConvolutionMode(), h, w, k, s, pool.getPadding());
                body.add(new MaxPool(name, k, s, pads));
                h = outSide(h, k[0], s[0], pads[0] + pads[2]);
                w = outSide(w, k[1], s[1], pads[1] + pads[3]);
            } else if (layer instanceof DenseLayer dense && layer.getClass() == DenseLayer.class) {
                int in = spatial ? depth * h * w : depth;
                if (dense.getNIn() != in) {
                    throw new IllegalArgumentException("layer " + name + " takes " + dense.getNIn()
                            + " inputs but the layers before it give " + in);
                }
                int out = (int) dense.getNOut();
                body.add(new Dense(name, out, in, transposed(network.getLayer(name).getParam("W")),
                        floats(network.getLayer(name).getParam("b")), relu(name, dense), spatial));
                spatial = false;
                depth = out;
            } else if (layer instanceof BatchNormalization norm) {
                body.set(body.size() - 1, folded(network, name, norm, lastLinear(body, name)));
            } else if (layer instanceof ActivationLayer activation) {
                Layer last = lastLinear(body, name);
                if (activation.getActivationFn() instanceof ActivationReLU) {
                    body.set(body.size() - 1, withRelu(last));
                } else if (!(activation.getActivationFn() instanceof ActivationIdentity)) {
                    throw unsupported(name, "activation " + activation.getActivationFn());
                }
            } else {
                throw unsupported(name, layer.getClass().getSimpleName());
            }
            previous = name;
        }
        if (spatial) {
            throw new IllegalArgumentException("ONNX export needs a dense layer before the heads");
        }
        return new LayerChain(channels, height, width, body, heads(network, outputs, previous, depth));
    }

    /** The convolution or dense layer a batch norm or activation layer follows, still without its ReLU. */
    private static Layer lastLinear(List<Layer> body, String name) {
        Layer last = body.isEmpty() ? null : body.get(body.size() - 1);
        if (last instanceof Conv c && !c.relu() || last instanceof Dense d && !d.relu()) {
            return last;
        }
        throw unsupported(name, "a batch norm or activation layer that does not follow a convolution or dense"
                + " layer without activation");
    }

    private static Layer withRelu(Layer layer) {
        if (layer instanceof Conv c) {
            return new Conv(c.name(), c.out(), c.in(), c.kernelH(), c.kernelW(), c.weights(), c.bias(), c.strides(),
                    c.pads(), true);
        }
        Dense d = (Dense) layer;
        return new Dense(d.name(), d.out(), d.in(), d.weights(), d.bias(), true, d.flattenFirst());
    }

    /**
     * Inference batch norm is a per-channel affine map, y = gamma (x - mean) / sqrt(var + eps) + beta, so
     * it folds into the layer before it: each output channel's weights times k = gamma / sqrt(var + eps),
     * its bias (b - mean) k + beta. DL4J stores log10 of the standard deviation sqrt(var) by default
     * (useLogStd), the variance itself otherwise.
     */
    private static Layer folded(ComputationGraph network, String name, BatchNormalization norm, Layer layer) {
        org.deeplearning4j.nn.api.Layer params = network.getLayer(name);
        float[] mean = floats(params.getParam("mean"));
        float[] variance;
        if (norm.isUseLogStd()) {
            float[] log10Std = floats(params.getParam("log10stdev"));
            variance = new float[log10Std.length];
            for (int c = 0; c < variance.length; c++) {
                double std = Math.pow(10, log10Std[c]);
                variance[c] = (float) (std * std);
            }
        } else {
            variance = floats(params.getParam("var"));
        }
        int channels = mean.length;
        float[] gamma = new float[channels];
        float[] beta = new float[channels];
        if (norm.isLockGammaBeta()) {
            Arrays.fill(gamma, (float) norm.getGamma());
            Arrays.fill(beta, (float) norm.getBeta());
        } else {
            gamma = floats(params.getParam("gamma"));
            beta = floats(params.getParam("beta"));
        }
        float[] weights = layer instanceof Conv c ? c.weights().clone() : ((Dense) layer).weights().clone();
        float[] bias = layer instanceof Conv c ? c.bias().clone() : ((Dense) layer).bias().clone();
        if (bias.length != channels) {
            throw new IllegalArgumentException("batch norm " + name + " has " + channels + " channels, the layer before it "
                    + bias.length);
        }
        int per = weights.length / channels;
        for (int c = 0; c < channels; c++) {
            double k = gamma[c] / Math.sqrt(variance[c] + norm.getEps());
            for (int i = c * per; i < (c + 1) * per; i++) {
                weights[i] = (float) (weights[i] * k);
            }
            bias[c] = (float) ((bias[c] - mean[c]) * k + beta[c]);
        }
        if (layer instanceof Conv c) {
            return new Conv(c.name(), c.out(), c.in(), c.kernelH(), c.kernelW(), weights, bias, c.strides(), c.pads(), false);
        }
        Dense d = (Dense) layer;
        return new Dense(d.name(), d.out(), d.in(), weights, bias, false, d.flattenFirst());
    }

    /** Softmax heads (a transcriber's), or one linear output (a localizer's box). */
    private static Heads heads(ComputationGraph network, List<String> outputs, String previous, int in) {
        ComputationGraphConfiguration conf = network.getConfiguration();
        boolean linear = outputs.size() == 1 && conf.getVertices().get(outputs.get(0)) instanceof LayerVertex lv
                && lv.getLayerConf().getLayer() instanceof OutputLayer head
                && head.getActivationFn() instanceof ActivationIdentity;
        int[] classes = new int[outputs.size()];
        float[][] weights = new float[outputs.size()][];
        float[][] biases = new float[outputs.size()][];
        for (int i = 0; i < outputs.size(); i++) {
            String name = outputs.get(i);
            requireChain(conf, name, previous);
            GraphVertex vertex = conf.getVertices().get(name);
            if (!(vertex instanceof LayerVertex lv) || !(lv.getLayerConf().getLayer() instanceof OutputLayer head)
                    || !(linear || head.getActivationFn() instanceof ActivationSoftmax)) {
                throw unsupported(name, "an output that is neither a softmax OutputLayer nor the one linear output");
            }
            classes[i] = (int) head.getNOut();
            weights[i] = transposed(network.getLayer(name).getParam("W"));
            biases[i] = floats(network.getLayer(name).getParam("b"));
        }
        int units = Arrays.stream(classes).sum();
        float[] w = new float[units * in];
        float[] b = new float[units];
        int row = 0;
        for (int i = 0; i < classes.length; i++) {
            System.arraycopy(weights[i], 0, w, row * in, classes[i] * in);
            System.arraycopy(biases[i], 0, b, row, classes[i]);
            row += classes[i];
        }
        return new Heads(List.copyOf(outputs), classes, in, w, b, !linear);
    }

    /**
     * Every layer must read exactly the one before it: the presets are chains with six heads at the end,
     * the localizer a chain with its box output at the end.
     */
    private static void requireChain(ComputationGraphConfiguration conf, String name, String previous) {
        List<String> inputs = conf.getVertexInputs().get(name);
        if (inputs == null || inputs.size() != 1 || !inputs.get(0).equals(previous)) {
            throw new IllegalArgumentException("ONNX export takes a chain of layers ending in the heads; layer "
                    + name + " reads " + inputs + " instead of " + previous);
        }
    }

    /**
     * Explicit pads (top, left, bottom, right). DL4J's "same" mode gives ceil(in/stride) outputs and
     * puts the odd pixel of padding at the bottom/right (ConvolutionUtils.getSameModeTopLeftPadding);
     * "truncate" uses the configured padding on both sides.
     */
    static int[] pads(ConvolutionMode mode, int h, int w, int[] kernel, int[] stride, int[] padding) {
        if (mode == ConvolutionMode.Same) {
            int totalH = Math.max(0, (ceilDiv(h, stride[0]) - 1) * stride[0] + kernel[0] - h);
            int totalW = Math.max(0, (ceilDiv(w, stride[1]) - 1) * stride[1] + kernel[1] - w);
            return new int[] {totalH / 2, totalW / 2, totalH - totalH / 2, totalW - totalW / 2};
        }
        if (mode == ConvolutionMode.Truncate) {
            return new int[] {padding[0], padding[1], padding[0], padding[1]};
        }
        throw new IllegalArgumentException("ONNX export covers 'Same' and 'Truncate' convolution modes, not " + mode);
    }

    private static int outSide(int in, int kernel, int stride, int pads) {
        return (in + pads - kernel) / stride + 1;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static boolean relu(String name, BaseLayer layer) {
        if (layer.getActivationFn() instanceof ActivationReLU) {
            return true;
        }
        if (layer.getActivationFn() instanceof ActivationIdentity) {
            return false;
        }
        throw unsupported(name, "activation " + layer.getActivationFn());
    }

    private static IllegalArgumentException unsupported(String name, String what) {
        return new IllegalArgumentException("ONNX export does not cover layer " + name + ": " + what);
    }

    /** A parameter's values in row-major order, as float. */
    private static float[] floats(INDArray param) {
        return Nd4j.toFlattened('c', param.castTo(DataType.FLOAT)).toFloatVector();
    }

    /** A [in,out] matrix as [out,in], row-major. */
    private static float[] transposed(INDArray inOut) {
        return floats(inOut.transpose());
    }
}
