package dev.streetnum.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.streetnum.data.Noun;
import dev.streetnum.data.StreetnumVersion;
import dev.streetnum.model.BundleMetadata;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.Thresholds;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import onnx.Onnx;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Post-training int8 quantization in ONNX's QDQ form: weights symmetric int8 per output channel,
 * activations uint8 per tensor with ranges from the calibration images' activations (a high
 * percentile rather than the maximum, so a few outliers do not spend the 256 levels), biases int32 at
 * the input scale times the weight scale. The graph says where integers are allowed
 * (QuantizeLinear/DequantizeLinear around each convolution and the first dense layer); ONNX Runtime
 * fuses each DQ -> Conv -> Relu -> Q group into one QLinearConv, the dense one into QGemm, and runs
 * max-pooling and flattening on the uint8 tensors directly. The heads stay float: they are 1% of the
 * work, and the threshold on P(S|x) is sensitive to their probabilities.
 */
public final class Int8Quantizer {

    /** The int8 model's entry in the bundle zip: the bundle's own network's (an ensemble's lead's). */
    public static final String BUNDLE_ENTRY = "int8.onnx";
    /** Suffix of the int8 model's id: answers say which network gave them. */
    public static final String MODEL_ID_SUFFIX = "-int8";
    /** The symmetric int8 weight range: -127..127 (not -128, so the range is symmetric). */
    static final int WEIGHT_LEVELS = 127;

    private final double percentile;

    /** @param percentile of each activation tensor's calibration values that sets its range, e.g. 99.99 */
    public Int8Quantizer(double percentile) {
        if (!(percentile > 50 && percentile <= 100)) {
            throw new IllegalArgumentException("the calibration percentile is in (50, 100], got " + percentile);
        }
        this.percentile = percentile;
    }

    /**
     * Calibrates on the batches and writes the int8 model.
     *
     * @param bundle      whose own network is quantized: for an ensemble, each of {@link ModelBundle#members}
     *                    in turn (the lead's int8 model carries the ensemble's id and int8 thresholds)
     * @param batches     normalised crops [mb,3,54,54] of calibration photos (training photos only)
     * @param images      how many images the batches hold, to size the samples
     * @param calibration what the batches are, for the model's provenance
     * @param progress    told the size of each batch as it is done
     */
    public Onnx.ModelProto quantize(ModelBundle bundle, Iterator<INDArray> batches, int images, String calibration,
                                    IntConsumer progress) {
        LayerChain chain = LayerChain.of(bundle);
        Map<String, ActivationRange> ranges = calibrate(bundle, chain, batches, images, progress);
        return qdqModel(bundle.metadata(), chain, ranges, calibration, images);
    }

    /** The tensors whose ranges the int8 graph needs: the input and each conv/dense layer's output. */
    private static Map<String, Long> observed(LayerChain chain) {
        Map<String, Long> sizes = new LinkedHashMap<>();
        long h = chain.height();
        long w = chain.width();
        sizes.put(OnnxGraph.INPUT, chain.channels() * h * w);
        for (LayerChain.Layer layer : chain.body()) {
            if (layer instanceof LayerChain.Conv c) {
                h = (h + c.pads()[0] + c.pads()[2] - c.kernelH()) / c.strides()[0] + 1;
                w = (w + c.pads()[1] + c.pads()[3] - c.kernelW()) / c.strides()[1] + 1;
                sizes.put(c.name(), c.out() * h * w);
            } else if (layer instanceof LayerChain.MaxPool p) {
                h = (h + p.pads()[0] + p.pads()[2] - p.kernel()[0]) / p.strides()[0] + 1;
                w = (w + p.pads()[1] + p.pads()[3] - p.kernel()[1]) / p.strides()[1] + 1;
            } else if (layer instanceof LayerChain.Dense d) {
                sizes.put(d.name(), (long) d.out());
            }
        }
        return sizes;
    }

    private static Map<String, ActivationRange> calibrate(ModelBundle bundle, LayerChain chain,
                                                          Iterator<INDArray> batches, int images,
                                                          IntConsumer progress) {
        Map<String, Long> sizes = observed(chain);
        Map<String, ActivationRange> ranges = new LinkedHashMap<>();
        sizes.forEach((name, perImage) -> ranges.put(name, new ActivationRange(perImage * Math.max(1, images))));
        // The float model with each observed tensor as an extra output.
        Onnx.ModelProto.Builder observing = OnnxExporter.export(bundle).toBuilder();
        for (String name : sizes.keySet()) {
            if (!name.equals(OnnxGraph.INPUT)) {
                observing.getGraphBuilder().addOutput(Onnx.ValueInfoProto.newBuilder().setName(name));
            }
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
             OrtSession session = env.createSession(observing.build().toByteArray(), options)) {
            java.util.Set<String> wanted = new java.util.LinkedHashSet<>(sizes.keySet());
            wanted.remove(OnnxGraph.INPUT);
            while (batches.hasNext()) {
                INDArray batch = batches.next();
                float[] input = batch.dup('c').data().asFloat();
                ranges.get(OnnxGraph.INPUT).add(FloatBuffer.wrap(input));
                try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), batch.shape());
                     OrtSession.Result result = session.run(Map.of(OnnxGraph.INPUT, tensor), wanted)) {
                    for (String name : wanted) {
                        ranges.get(name).add(((OnnxTensor) result.get(name).orElseThrow()).getFloatBuffer());
                    }
                }
                progress.accept((int) batch.size(0));
            }
        } catch (OrtException e) {
            throw new IllegalStateException("calibration failed in ONNX Runtime: " + e.getMessage(), e);
        }
        if (ranges.get(OnnxGraph.INPUT).sampleCount() == 0) {
            throw new IllegalArgumentException("calibration needs at least one image");
        }
        return ranges;
    }

    /** The uint8 parameters of each observed tensor. */
    Map<String, ActivationRange.QuantParams> params(Map<String, ActivationRange> ranges) {
        Map<String, ActivationRange.QuantParams> params = new LinkedHashMap<>();
        ranges.forEach((name, range) -> params.put(name,
                ActivationRange.uint8(range.percentile(100 - percentile), range.percentile(percentile))));
        return params;
    }

    private Onnx.ModelProto qdqModel(BundleMetadata meta, LayerChain chain, Map<String, ActivationRange> ranges,
                                     String calibration, int images) {
        Map<String, ActivationRange.QuantParams> params = params(ranges);
        OnnxGraph graph = new OnnxGraph(meta.modelId() + MODEL_ID_SUFFIX);
        graph.imageInput(chain.channels(), chain.height(), chain.width());
        ActivationRange.QuantParams current = params.get(OnnxGraph.INPUT);
        String x = quantize(graph, OnnxGraph.INPUT, current);
        for (LayerChain.Layer layer : chain.body()) {
            if (layer instanceof LayerChain.Conv c) {
                ActivationRange.QuantParams out = params.get(c.name());
                String in = dequantize(graph, x, current, c.name() + ".in");
                String w = weights(graph, c.name(), c.weights(), c.out(), new long[] {c.out(), c.in(), c.kernelH(), c.kernelW()},
                        c.bias(), current.scale());
                String y = c.relu() ? c.name() + ".preact" : c.name();
                graph.node("Conv", c.name(), List.of(in, w, c.name() + ".b.dq"), List.of(y), OnnxExporter.convAttributes(c));
                x = quantize(graph, OnnxExporter.activation(graph, c.name(), c.relu(), y), out);
                current = out;
            } else if (layer instanceof LayerChain.MaxPool p) {
                // The max of uint8 codes is the code of the max: pooling runs on the codes, same scale.
                x = OnnxExporter.maxPool(graph, p, x);
            } else {
                LayerChain.Dense d = (LayerChain.Dense) layer;
                if (d.flattenFirst()) {
                    x = OnnxExporter.flatten(graph, d, x);
                }
                ActivationRange.QuantParams out = params.get(d.name());
                String in = dequantize(graph, x, current, d.name() + ".in");
                String w = weights(graph, d.name(), d.weights(), d.out(), new long[] {d.out(), d.in()}, d.bias(),
                        current.scale());
                String y = d.relu() ? d.name() + ".preact" : d.name();
                graph.node("Gemm", d.name(), List.of(in, w, d.name() + ".b.dq"), List.of(y), Map.of("transB", 1));
                x = quantize(graph, OnnxExporter.activation(graph, d.name(), d.relu(), y), out);
                current = out;
            }
        }
        graph.heads(chain.heads(), dequantize(graph, x, current, "heads.in"));
        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put("streetnum.quantizedFrom", meta.modelId());
        provenance.put("streetnum.calibration", OnnxMetadata.json(Map.of("images", images, "source", calibration,
                "percentile", percentile)));
        provenance.put("streetnum.activationRanges", OnnxMetadata.json(params));
        return graph.model(StreetnumVersion.VERSION, OnnxMetadata.properties(meta, meta.modelId() + MODEL_ID_SUFFIX,
                Thresholds.NONE, OnnxMetadata.INT8, provenance));
    }

    /** QuantizeLinear of a float tensor to uint8; returns the codes' name. */
    private static String quantize(OnnxGraph graph, String x, ActivationRange.QuantParams q) {
        String scale = x + ".scale";
        String zero = x + ".zero";
        graph.floats(scale, new float[] {q.scale()});
        graph.bytes(zero, Onnx.TensorProto.DataType.UINT8, new byte[] {(byte) q.zeroPoint()});
        graph.node("QuantizeLinear", x + ".quantize", List.of(x, scale, zero), x + ".q");
        return x + ".q";
    }

    /** DequantizeLinear of uint8 codes with the parameters they were quantized with. */
    private static String dequantize(OnnxGraph graph, String codes, ActivationRange.QuantParams q, String name) {
        String scale = name + ".scale";
        String zero = name + ".zero";
        graph.floats(scale, new float[] {q.scale()});
        graph.bytes(zero, Onnx.TensorProto.DataType.UINT8, new byte[] {(byte) q.zeroPoint()});
        graph.node("DequantizeLinear", name + ".dequantize", List.of(codes, scale, zero), name);
        return name;
    }

    /**
     * The layer's weights as int8 codes with one scale per output channel (axis 0) and its bias as
     * int32 at scale inputScale * weightScale, each behind a DequantizeLinear; returns the weights' name.
     */
    private static String weights(OnnxGraph graph, String layer, float[] weights, int outputs, long[] dims,
                                  float[] bias, float inputScale) {
        QuantizedWeights q = QuantizedWeights.of(weights, outputs);
        graph.bytes(layer + ".W.q", Onnx.TensorProto.DataType.INT8, q.codes(), dims);
        graph.floats(layer + ".W.scale", q.scales(), outputs);
        graph.bytes(layer + ".W.zero", Onnx.TensorProto.DataType.INT8, new byte[outputs], outputs);
        graph.node("DequantizeLinear", layer + ".W.dequantize", List.of(layer + ".W.q", layer + ".W.scale", layer + ".W.zero"),
                List.of(layer + ".W.dq"), Map.of("axis", 0));
        float[] biasScales = new float[outputs];
        int[] biasCodes = new int[outputs];
        for (int c = 0; c < outputs; c++) {
            biasScales[c] = inputScale * q.scales()[c];
            biasCodes[c] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, Math.round(bias[c] / (double) biasScales[c])));
        }
        graph.ints(layer + ".b.q", biasCodes, outputs);
        graph.floats(layer + ".b.scale", biasScales, outputs);
        graph.ints(layer + ".b.zero", new int[outputs], outputs);
        graph.node("DequantizeLinear", layer + ".b.dequantize", List.of(layer + ".b.q", layer + ".b.scale", layer + ".b.zero"),
                List.of(layer + ".b.dq"), Map.of("axis", 0));
        return layer + ".W.dq";
    }

    /**
     * Symmetric int8 codes per output channel: scale = max |w| / 127 over the channel, code =
     * round(w / scale).
     *
     * @param codes  row-major like the weights, output channel first
     * @param scales one per output channel
     */
    record QuantizedWeights(byte[] codes, float[] scales) {

        static QuantizedWeights of(float[] weights, int outputs) {
            int per = weights.length / outputs;
            byte[] codes = new byte[weights.length];
            float[] scales = new float[outputs];
            for (int c = 0; c < outputs; c++) {
                float max = 0;
                for (int i = c * per; i < (c + 1) * per; i++) {
                    max = Math.max(max, Math.abs(weights[i]));
                }
                scales[c] = max > 0 ? max / WEIGHT_LEVELS : 1f;
                for (int i = c * per; i < (c + 1) * per; i++) {
                    codes[i] = (byte) Math.max(-WEIGHT_LEVELS, Math.min(WEIGHT_LEVELS, Math.round(weights[i] / scales[c])));
                }
            }
            return new QuantizedWeights(codes, scales);
        }
    }

    /**
     * The entry of member {@code member}'s int8 model ({@link ModelBundle#members} order, 0 the lead): all are
     * stored in the lead bundle, since partners carry no attachments.
     */
    public static String entry(int member) {
        if (member < 0 || member >= ModelBundle.MAX_MEMBERS) {
            throw new IllegalArgumentException("a bundle has members 0 to " + (ModelBundle.MAX_MEMBERS - 1)
                    + ", not " + member);
        }
        return member == 0 ? BUNDLE_ENTRY : "int8-member-" + (member + 1) + ".onnx";
    }

    /** The bundle with member {@code member}'s int8 model stored inside it. */
    public static ModelBundle attach(ModelBundle bundle, int member, Onnx.ModelProto int8) {
        if (member >= bundle.members().size()) {
            throw new IllegalArgumentException("model " + bundle.metadata().modelId() + " reads with "
                    + Noun.regular("network").count(bundle.members().size()) + ": it has no member " + (member + 1));
        }
        return bundle.withAttachment(entry(member), int8.toByteArray());
    }

    /** Optimised operator counts, e.g. for the quantize command to show what ONNX Runtime fused. */
    public static Map<String, Integer> operatorCounts(List<String> operators) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String op : new ArrayList<>(operators)) {
            counts.merge(op, 1, Integer::sum);
        }
        return counts;
    }
}
