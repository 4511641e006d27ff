package dev.streetnum.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.streetnum.data.DataException;
import dev.streetnum.model.InferenceEngine;
import dev.streetnum.model.Thresholds;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import onnx.Onnx;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.protobuf.InvalidProtocolBufferException;

/**
 * An exported model (float or int8) run by ONNX Runtime on the CPU, with every graph optimisation on:
 * that is when ONNX Runtime fuses the int8 model's QuantizeLinear/DequantizeLinear pairs into its
 * integer kernels (QLinearConv, QGemm). The model id and thresholds are read from the model's
 * metadata properties. One session is safe to call from several threads, but the service calls it from
 * one.
 */
public final class OnnxEngine implements InferenceEngine {

    /** ONNX Runtime's session configuration key for the intra-op pool's busy-waiting. */
    static final String SPINNING = "session.intra_op.allow_spinning";

    private final OrtSession session;
    private final String modelId;
    private final Thresholds thresholds;
    private final List<String> outputs;

    public OnnxEngine(Onnx.ModelProto model) {
        Map<String, String> properties = OnnxMetadata.properties(model);
        this.modelId = properties.getOrDefault(OnnxMetadata.MODEL_ID, model.getGraph().getName());
        this.thresholds = OnnxMetadata.thresholds(properties);
        this.outputs = model.getGraph().getOutputList().stream().map(Onnx.ValueInfoProto::getName).toList();
        try (OrtSession.SessionOptions options = options(null)) {
            this.session = OrtEnvironment.getEnvironment().createSession(model.toByteArray(), options);
        } catch (OrtException e) {
            throw new DataException("ONNX Runtime cannot load model " + modelId + ": " + e.getMessage(), e);
        }
    }

    /** Parses a serialised ONNX model, naming {@code source} when it is not one. */
    public static Onnx.ModelProto parse(byte[] model, String source) {
        try {
            return Onnx.ModelProto.parseFrom(model);
        } catch (InvalidProtocolBufferException e) {
            throw new DataException(source + " is not an ONNX model (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public String modelId() {
        return modelId;
    }

    @Override
    public Thresholds thresholds() {
        return thresholds;
    }

    @Override
    public INDArray[] output(INDArray features) {
        float[] input = features.dataType() == DataType.FLOAT ? features.dup('c').data().asFloat()
                : features.castTo(DataType.FLOAT).dup('c').data().asFloat();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), features.shape());
             OrtSession.Result result = session.run(Map.of(OnnxGraph.INPUT, tensor))) {
            INDArray[] heads = new INDArray[outputs.size()];
            for (int i = 0; i < heads.length; i++) {
                heads[i] = Nd4j.create((float[][]) result.get(i).getValue());
            }
            return heads;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on model " + modelId + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("could not close the ONNX Runtime session of " + modelId, e);
        }
    }

    /**
     * The operators ONNX Runtime actually runs after its optimisations, in graph order: how to see
     * whether the int8 model's QDQ pairs became integer kernels.
     */
    public static List<String> optimizedOperators(Onnx.ModelProto model, Path scratchDir) {
        Path optimized = scratchDir.resolve("optimized-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".onnx");
        try (OrtSession.SessionOptions options = options(optimized);
             OrtSession ignored = OrtEnvironment.getEnvironment().createSession(model.toByteArray(), options)) {
            Onnx.ModelProto after = Onnx.ModelProto.parseFrom(Files.readAllBytes(optimized));
            List<String> ops = new ArrayList<>();
            after.getGraph().getNodeList().forEach(n -> ops.add(n.getOpType()));
            return ops;
        } catch (OrtException | java.io.IOException e) {
            throw new IllegalStateException("could not optimise the ONNX model: " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(optimized);
            } catch (java.io.IOException ignored) {
                // a scratch file; the answer is already read
            }
        }
    }

    private static OrtSession.SessionOptions options(Path optimizedModel) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        // ORT's intra-op threads spin after each run by default; on a small machine they then take
        // the cores from what runs next on ours (decoding, cropping, the DL4J localizer).
        options.addConfigEntry(SPINNING, "0");
        if (optimizedModel != null) {
            options.setOptimizedModelFilePath(optimizedModel.toString());
            // ORT warns that a saved model with NCHWc layouts is machine-specific: it is only read back here.
            options.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
        }
        return options;
    }
}
