package dev.streetnum.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import onnx.Onnx;
import org.nd4j.shade.protobuf.ByteString;

/**
 * Builds one ONNX graph node by node: initializers, nodes with their attributes, then the model with
 * its opset and metadata properties. Both the float export and the int8 (QDQ) one are written with it.
 */
final class OnnxGraph {

    /**
     * Opset 13: Softmax over one axis, Split sizes as an input, per-channel DequantizeLinear (axis).
     * ONNX Runtime runs every opset from 7 on.
     */
    static final int OPSET = 13;
    /** The IR version that goes with opset 13. */
    static final int IR_VERSION = 7;
    /** The input's name and the symbolic batch dimension. */
    static final String INPUT = "image";
    static final String BATCH = "batch";

    private final Onnx.GraphProto.Builder graph = Onnx.GraphProto.newBuilder();

    OnnxGraph(String name) {
        graph.setName(name);
    }

    /** A float input [batch, channels, height, width]. */
    void imageInput(int channels, int height, int width) {
        graph.addInput(valueInfo(INPUT, Onnx.TensorProto.DataType.FLOAT, channels, height, width));
    }

    /** A float output [batch, classes]. */
    void output(String name, int classes) {
        graph.addOutput(valueInfo(name, Onnx.TensorProto.DataType.FLOAT, classes));
    }

    void floats(String name, float[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        initializer(name, Onnx.TensorProto.DataType.FLOAT, raw.array(), dims);
    }

    void bytes(String name, Onnx.TensorProto.DataType type, byte[] values, long... dims) {
        initializer(name, type, values, dims);
    }

    void ints(String name, int[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asIntBuffer().put(values);
        initializer(name, Onnx.TensorProto.DataType.INT32, raw.array(), dims);
    }

    void longs(String name, long[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asLongBuffer().put(values);
        initializer(name, Onnx.TensorProto.DataType.INT64, raw.array(), dims);
    }

    private void initializer(String name, Onnx.TensorProto.DataType type, byte[] raw, long... dims) {
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name).setDataType(type.getNumber())
                .setRawData(ByteString.copyFrom(raw));
        for (long d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t);
    }

    /** Adds a node; attributes are int, int[] or float values. */
    void node(String op, String name, List<String> inputs, List<String> outputs, Map<String, Object> attributes) {
        Onnx.NodeProto.Builder n = Onnx.NodeProto.newBuilder().setOpType(op).setName(name)
                .addAllInput(inputs).addAllOutput(outputs);
        for (Map.Entry<String, Object> a : attributes.entrySet()) {
            Onnx.AttributeProto.Builder attr = Onnx.AttributeProto.newBuilder().setName(a.getKey());
            if (a.getValue() instanceof Integer i) {
                attr.setType(Onnx.AttributeProto.AttributeType.INT).setI(i);
            } else if (a.getValue() instanceof int[] ints) {
                attr.setType(Onnx.AttributeProto.AttributeType.INTS);
                for (int i : ints) {
                    attr.addInts(i);
                }
            } else if (a.getValue() instanceof Float f) {
                attr.setType(Onnx.AttributeProto.AttributeType.FLOAT).setF(f);
            } else {
                throw new IllegalArgumentException("attribute " + a.getKey() + " has an unsupported type");
            }
            n.addAttribute(attr);
        }
        graph.addNode(n);
    }

    void node(String op, String name, List<String> inputs, String output) {
        node(op, name, inputs, List.of(output), Map.of());
    }

    /**
     * The heads as one Gemm of all 57 units, split per head, each through a softmax: one matrix
     * product instead of six (DL4J runs six). A localizer's one linear head is the Gemm alone.
     *
     * @param input a float tensor [batch, heads.in()]
     */
    void heads(LayerChain.Heads heads, String input) {
        String w = "heads.W";
        String b = "heads.b";
        floats(w, heads.weights(), heads.units(), heads.in());
        floats(b, heads.bias(), heads.units());
        if (!heads.softmax()) {
            String name = heads.names().get(0);
            node("Gemm", "heads", List.of(input, w, b), List.of(name), Map.of("transB", 1));
            output(name, heads.units());
            return;
        }
        node("Gemm", "heads", List.of(input, w, b), List.of("heads.logits"), Map.of("transB", 1));
        long[] sizes = new long[heads.classes().length];
        List<String> logits = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = heads.classes()[i];
            logits.add(heads.names().get(i) + ".logits");
        }
        longs("heads.split", sizes, sizes.length);
        node("Split", "heads.split", List.of("heads.logits", "heads.split"), logits, Map.of("axis", 1));
        for (int i = 0; i < sizes.length; i++) {
            String name = heads.names().get(i);
            node("Softmax", name, List.of(logits.get(i)), List.of(name), Map.of("axis", 1));
            output(name, heads.classes()[i]);
        }
    }

    /** The finished model, with {@code properties} as its metadata. */
    Onnx.ModelProto model(String producerVersion, Map<String, String> properties) {
        Onnx.ModelProto.Builder model = Onnx.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("streetnum")
                .setProducerVersion(producerVersion)
                .setGraph(graph)
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET));
        properties.forEach((k, v) -> model.addMetadataProps(Onnx.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return model.build();
    }

    private static Onnx.ValueInfoProto valueInfo(String name, Onnx.TensorProto.DataType type, long... dims) {
        Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder()
                .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH));
        for (long d : dims) {
            shape.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape)))
                .build();
    }
}
