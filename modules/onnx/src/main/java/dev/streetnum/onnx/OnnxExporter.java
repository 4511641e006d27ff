package dev.streetnum.onnx;

import dev.streetnum.data.StreetnumVersion;
import dev.streetnum.model.BundleMetadata;
import dev.streetnum.model.Localizer;
import dev.streetnum.model.ModelBundle;
import java.util.List;
import java.util.Map;
import onnx.Onnx;

/**
 * Writes a bundle's network as a standard float ONNX model (opset 13): input "image" [batch,3,54,54],
 * the normalised centre crop; outputs "length" [batch,7] and "digit1".."digit5" [batch,10], softmax
 * probabilities; the bundle's metadata in the model's metadata properties ({@link OnnxMetadata}). A
 * localizer's network is written the same way, with its one linear output.
 * DL4J M2.1 has no ONNX exporter, so the graph is built here from the layer configurations and weights
 * ({@link LayerChain}); dropout is an identity at inference and is left out.
 */
public final class OnnxExporter {

    private OnnxExporter() {
    }

    /** The float model of the bundle's network. */
    public static Onnx.ModelProto export(ModelBundle bundle) {
        BundleMetadata meta = bundle.metadata();
        return graph(LayerChain.of(bundle), meta.modelId()).model(StreetnumVersion.VERSION,
                OnnxMetadata.properties(meta, meta.modelId(), meta.thresholds(), OnnxMetadata.FLOAT, Map.of()));
    }

    /**
     * The float model of a localizer's network: input "image" [batch,3,height,width], the whole photo
     * stretched to the localizer's input and normalised as the transcriber's is; output "box" [batch,4],
     * the encoded box; how to read it in the metadata properties.
     *
     * @param modelId what the model is called, e.g. the bundle's id and the localizer's place in it
     */
    public static Onnx.ModelProto export(Localizer localizer, String modelId) {
        return graph(LayerChain.of(localizer), modelId).model(StreetnumVersion.VERSION,
                OnnxMetadata.properties(localizer.metadata(), modelId));
    }

    private static OnnxGraph graph(LayerChain chain, String name) {
        OnnxGraph graph = new OnnxGraph(name);
        graph.imageInput(chain.channels(), chain.height(), chain.width());
        String x = OnnxGraph.INPUT;
        for (LayerChain.Layer layer : chain.body()) {
            if (layer instanceof LayerChain.Conv c) {
                x = conv(graph, c, x);
            } else if (layer instanceof LayerChain.MaxPool p) {
                x = maxPool(graph, p, x);
            } else {
                x = dense(graph, (LayerChain.Dense) layer, x);
            }
        }
        graph.heads(chain.heads(), x);
        return graph;
    }

    private static String conv(OnnxGraph graph, LayerChain.Conv c, String x) {
        graph.floats(c.name() + ".W", c.weights(), c.out(), c.in(), c.kernelH(), c.kernelW());
        graph.floats(c.name() + ".b", c.bias(), c.out());
        String y = c.relu() ? c.name() + ".preact" : c.name();
        graph.node("Conv", c.name(), List.of(x, c.name() + ".W", c.name() + ".b"), List.of(y), convAttributes(c));
        return activation(graph, c.name(), c.relu(), y);
    }

    static Map<String, Object> convAttributes(LayerChain.Conv c) {
        return Map.of("kernel_shape", new int[] {c.kernelH(), c.kernelW()}, "strides", c.strides(), "pads", c.pads());
    }

    static String maxPool(OnnxGraph graph, LayerChain.MaxPool p, String x) {
        graph.node("MaxPool", p.name(), List.of(x), List.of(p.name()),
                Map.of("kernel_shape", p.kernel(), "strides", p.strides(), "pads", p.pads()));
        return p.name();
    }

    private static String dense(OnnxGraph graph, LayerChain.Dense d, String x) {
        if (d.flattenFirst()) {
            x = flatten(graph, d, x);
        }
        graph.floats(d.name() + ".W", d.weights(), d.out(), d.in());
        graph.floats(d.name() + ".b", d.bias(), d.out());
        String y = d.relu() ? d.name() + ".preact" : d.name();
        graph.node("Gemm", d.name(), List.of(x, d.name() + ".W", d.name() + ".b"), List.of(y), Map.of("transB", 1));
        return activation(graph, d.name(), d.relu(), y);
    }

    /** DL4J flattens NCHW feature maps channel by channel, row by row: ONNX Flatten's order. */
    static String flatten(OnnxGraph graph, LayerChain.Dense d, String x) {
        String flat = d.name() + ".flat";
        graph.node("Flatten", flat, List.of(x), List.of(flat), Map.of("axis", 1));
        return flat;
    }

    /** The layer's output name is the layer's name, after its ReLU when it has one. */
    static String activation(OnnxGraph graph, String name, boolean relu, String y) {
        if (relu) {
            graph.node("Relu", name + ".relu", List.of(y), name);
        }
        return name;
    }
}
