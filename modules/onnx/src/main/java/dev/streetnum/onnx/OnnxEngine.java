package dev.streetnum.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.streetnum.data.DataException;
import dev.streetnum.model.InferenceEngine;
import dev.streetnum.model.Localizer;
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
 * metadata properties. The bundle's localizers, given, run in sessions of their own. One session is
 * safe to call from several threads, but the service calls it from one.
 */
public final class OnnxEngine implements InferenceEngine {

    /** ONNX Runtime's session configuration key for the intra-op pool's busy-waiting. */
    static final String SPINNING = "session.intra_op.allow_spinning";

    private final OrtSession session;
    private final String modelId;
    private final Thresholds thresholds;

    private final List<Localizer> localizers;
    private final List<OnnxLocalizerEngine> localizerEngines;

    /**
     * Threads of each session's intra-op pool when none is asked for: 0, ONNX Runtime's own choice
     * (one per physical core), right for the service's one model worker.
     */
    public static final int RUNTIME_THREADS = 0;

    /** A model without localizers: a photo without a box is read whole. */
    public OnnxEngine(Onnx.ModelProto model) {
        this(model, List.of(), RUNTIME_THREADS);
    }

    /**
     * @param model      the transcriber's exported network
     * @param localizers the bundle's localizers, whose networks this engine exports and runs in ONNX
     *                   Runtime too (float, also beside an int8 transcriber)
     * @param threads    each session's intra-op threads, {@link #RUNTIME_THREADS} for ONNX Runtime's
     *                   choice; 1 where the caller already runs one engine per core (a Spark task)
     */
    public OnnxEngine(Onnx.ModelProto model, List<Localizer> localizers, int threads) {
        if (threads < 0) {
            throw new IllegalArgumentException("threads is 0 (ONNX Runtime's choice) or more, got " + threads);
        }
        this.modelId = OnnxMetadata.modelId(model);
        this.thresholds = OnnxMetadata.thresholds(OnnxMetadata.properties(model));
        this.session = session(model, modelId, threads);
        List<OnnxLocalizerEngine> engines = new ArrayList<>();
        List<Localizer> running = new ArrayList<>();
        try {
            for (int i = 0; i < localizers.size(); i++) {
                OnnxLocalizerEngine engine = new OnnxLocalizerEngine(
                        OnnxExporter.export(localizers.get(i), localizerId(modelId, i + 1)), threads);
                engines.add(engine);
                running.add(localizers.get(i).runningOn(engine));
            }
        } catch (RuntimeException e) {
            engines.forEach(OnnxLocalizerEngine::close);
            closeQuietly(session);
            throw e;
        }
        this.localizerEngines = List.copyOf(engines);
        this.localizers = List.copyOf(running);
    }

    /** What the {@code n}-th localizer's exported model is called (1 is the first). */
    static String localizerId(String modelId, int n) {
        return modelId + " localizer " + n;
    }

    /**
     * A session for {@code model} with this engine's options and {@code threads} intra-op threads
     * ({@link #RUNTIME_THREADS}: ONNX Runtime's choice); {@code name} names the model in errors.
     */
    static OrtSession session(Onnx.ModelProto model, String name, int threads) {
        try (OrtSession.SessionOptions options = options(null)) {
            if (threads != RUNTIME_THREADS) {
                options.setIntraOpNumThreads(threads);
            }
            return OrtEnvironment.getEnvironment().createSession(model.toByteArray(), options);
        } catch (OrtException e) {
            throw new DataException("ONNX Runtime cannot load model " + name + ": " + e.getMessage(), e);
        }
    }

    /** Runs {@code session} on {@code features} (its one input); every output is a [mb, n] float matrix. */
    static INDArray[] run(OrtSession session, INDArray features, String name) {
        float[] input = features.dataType() == DataType.FLOAT ? features.dup('c').data().asFloat()
                : features.castTo(DataType.FLOAT).dup('c').data().asFloat();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), features.shape());
             OrtSession.Result result = session.run(Map.of(OnnxGraph.INPUT, tensor))) {
            INDArray[] out = new INDArray[result.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = Nd4j.create((float[][]) result.get(i).getValue());
            }
            return out;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on model " + name + ": " + e.getMessage(), e);
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
        return run(session, features, modelId);
    }

    /** The bundle's localizers, their networks run in this engine's ONNX Runtime sessions. */
    @Override
    public List<Localizer> localizers() {
        return localizers;
    }

    @Override
    public void close() {
        localizerEngines.forEach(OnnxLocalizerEngine::close);
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("could not close the ONNX Runtime session of " + modelId, e);
        }
    }

    private static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException ignored) {
            // closing after a failure that is already being reported
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
