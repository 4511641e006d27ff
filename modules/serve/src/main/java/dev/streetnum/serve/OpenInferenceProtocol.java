package dev.streetnum.serve;

import dev.streetnum.data.StreetnumVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The Open Inference Protocol (KServe v2) view of the service: paths, server and model metadata, and
 * the infer response, so that generic inference clients and gateways can call the model. The model
 * takes one BYTES tensor of encoded images, optionally an INT32 [n, 4] tensor of their detector boxes,
 * and gives four outputs per image.
 */
final class OpenInferenceProtocol {

    static final String SERVER = "/v2";
    static final String LIVE = "/v2/health/live";
    static final String READY = "/v2/health/ready";
    static final String MODEL = "/v2/models/{name}";
    static final String MODEL_READY = "/v2/models/{name}/ready";
    static final String INFER = "/v2/models/{name}/infer";
    /** The protocol's versioned forms; the one version is the model id (model metadata lists it). */
    static final String VERSION = "/v2/models/{name}/versions/{version}";
    static final String VERSION_READY = "/v2/models/{name}/versions/{version}/ready";
    static final String VERSION_INFER = "/v2/models/{name}/versions/{version}/infer";

    /** One dimension of any size: a batch of images, or of answers. */
    private static final List<Integer> ANY_BATCH = List.of(-1);

    /** A tensor's metadata: name, datatype, shape. */
    record TensorMetadata(String name, String datatype, List<Integer> shape) {
    }

    /** An output tensor with its data. */
    record Tensor(String name, String datatype, List<Integer> shape, List<?> data) {
    }

    /** The outputs, each with how it is read off an answer. */
    private record Output(TensorMetadata metadata, Function<TranscriptionAnswer, Object> value) {
    }

    private static final List<Output> OUTPUTS = List.of(
            // The accepted text, "" when refused: a client reading only this never gets a refused guess.
            new Output(new TensorMetadata("transcription", "BYTES", ANY_BATCH),
                    a -> a.accepted() ? a.text() : ""),
            new Output(new TensorMetadata("confidence", "FP64", ANY_BATCH), TranscriptionAnswer::confidence),
            new Output(new TensorMetadata("accepted", "BOOL", ANY_BATCH), TranscriptionAnswer::accepted),
            new Output(new TensorMetadata("candidate", "BYTES", ANY_BATCH), TranscriptionAnswer::candidate));

    private final ServeConfig config;

    OpenInferenceProtocol(ServeConfig config) {
        this.config = config;
    }

    Map<String, Object> serverMetadata() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", "streetnum");
        body.put("version", StreetnumVersion.VERSION);
        body.put("extensions", List.of());
        return body;
    }

    /**
     * Every model path's check, before its answer is made.
     *
     * @param version a versioned path's version, or null for an unversioned path
     * @throws ServiceError 404 when {@code name} is not the served model or {@code version} not its version
     */
    void requireModel(String name, String version) {
        if (!config.modelId().equals(name)) {
            throw new ServiceError(ServiceError.NOT_FOUND, "no model named '" + name + "'; this server serves '"
                    + config.modelId() + "'");
        }
        if (version != null && !config.modelId().equals(version)) {
            throw new ServiceError(ServiceError.NOT_FOUND, "model '" + name + "' has no version '" + version
                    + "'; its one version is '" + config.modelId() + "'");
        }
    }

    /** A model-ready answer's body. */
    Map<String, Object> modelReadiness(boolean ready) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", config.modelId());
        body.put("ready", ready);
        return body;
    }

    /** The served model's metadata ({@link #requireModel} checked the path). */
    Map<String, Object> modelMetadata() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", config.modelId());
        body.put("versions", List.of(config.modelId()));
        // The engine serving, by its --engine name: dl4j, onnx or onnx-int8.
        body.put("platform", config.engine().label());
        // The protocol's metadata has no "optional": the README and /openapi.json say that box is.
        body.put("inputs", List.of(new TensorMetadata(RequestReader.V2_INPUT, RequestReader.V2_BYTES, ANY_BATCH),
                new TensorMetadata(RequestReader.V2_BOX, RequestReader.V2_BOX_TYPE, List.of(-1, 4))));
        body.put("outputs", OUTPUTS.stream().map(Output::metadata).toList());
        body.put("parameters", parameters());
        return body;
    }

    /**
     * What answers are judged by: "threshold" for a caller's box, "threshold_no_box" without one, and what the
     * confidence they judge is on each path, "score" and "score_no_box" ({@code mean-heads}: the model's
     * P(S|x); {@code agreement}: the geometric mean of its networks' own).
     */
    private Map<String, Object> parameters() {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("threshold", config.threshold().callerBox());
        parameters.put("threshold_no_box", config.threshold().noBox());
        parameters.put("score", config.boxScore().label());
        parameters.put("score_no_box", config.noBoxScore().label());
        return parameters;
    }

    Map<String, Object> inferResponse(String id, List<TranscriptionAnswer> answers) {
        List<Tensor> outputs = new ArrayList<>(OUTPUTS.size());
        for (Output output : OUTPUTS) {
            TensorMetadata m = output.metadata();
            outputs.add(new Tensor(m.name(), m.datatype(), List.of(answers.size()),
                    answers.stream().map(output.value()).toList()));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model_name", config.modelId());
        body.put("model_version", config.modelId());
        if (id != null) {
            body.put("id", id);
        }
        body.put("parameters", parameters());
        body.put("outputs", outputs);
        return body;
    }
}
