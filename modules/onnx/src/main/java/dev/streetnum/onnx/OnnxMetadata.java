package dev.streetnum.onnx;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streetnum.data.CropExpander;
import dev.streetnum.data.DataException;
import dev.streetnum.model.BoxEncoding;
import dev.streetnum.model.BundleMetadata;
import dev.streetnum.model.LocalizerMetadata;
import dev.streetnum.model.Thresholds;
import java.util.LinkedHashMap;
import java.util.Map;
import onnx.Onnx;

/**
 * The bundle's metadata as an exported model's metadata properties, so another runtime knows what the
 * model is and how to feed it: model id, preset, preprocessing, normalisation, the calibrated P(S|x)
 * thresholds, precision. Values are strings (ONNX's rule); maps are JSON.
 */
final class OnnxMetadata {

    static final String MODEL_ID = "streetnum.modelId";
    static final String THRESHOLDS = "streetnum.thresholds";
    /** Where the thresholds were calibrated: the int8 model's own provenance for them. */
    static final String THRESHOLDS_CALIBRATED_ON = "streetnum.thresholdsCalibratedOn";
    /** Where the no-box thresholds were calibrated. */
    static final String NO_BOX_THRESHOLDS_CALIBRATED_ON = "streetnum.noBoxThresholdsCalibratedOn";
    static final String PRECISION = "streetnum.precision";
    static final String FLOAT = "float32";
    static final String INT8 = "int8 (QDQ: weights per output channel symmetric int8, activations per tensor uint8)";

    /** How both the transcriber's and the localizers' inputs are normalised (CropExpander's rule). */
    private static final String NORMALISED = "RGB CHW, the image's own per-channel mean subtracted, divided by "
            + CropExpander.SCALE;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Double>> THRESHOLD_MAP = new TypeReference<>() {
    };

    private OnnxMetadata() {
    }

    /** The properties of a model exported from {@code bundle}, under its own id and thresholds. */
    static Map<String, String> properties(BundleMetadata bundle, String modelId, Thresholds thresholds,
                                          String precision, Map<String, String> more) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(MODEL_ID, modelId);
        p.put("streetnum.preset", bundle.preset());
        p.put("streetnum.input", "image [batch,3," + bundle.preprocess().crop() + "," + bundle.preprocess().crop()
                + "] float: the detector's box expanded by " + bundle.preprocess().expansion() + " in width and height,"
                + " resized to " + bundle.preprocess().resize() + "x" + bundle.preprocess().resize()
                + ", centre " + bundle.preprocess().crop() + "x" + bundle.preprocess().crop() + " crop");
        p.put("streetnum.normalisation", bundle.normalisation() + ": " + NORMALISED);
        p.put("streetnum.outputs", "softmax probabilities: length [batch,7] over 0,1,2,3,4,5,>5 digits;"
                + " digit1..digit5 [batch,10]. P(S|x) = P(length=n) * prod_{i<=n} P(digit_i = s_i)");
        putThresholds(p, thresholds);
        p.put("streetnum.preprocess", json(bundle.preprocess()));
        p.put(PRECISION, precision);
        p.put("streetnum.softwareVersion", bundle.softwareVersion());
        p.putAll(more);
        return p;
    }

    /** The properties of a localizer's exported network: what it reads, what its output means. */
    static Map<String, String> properties(LocalizerMetadata localizer, String modelId) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(MODEL_ID, modelId);
        p.put("streetnum.input", "image [batch,3," + localizer.input().height() + "," + localizer.input().width()
                + "] float: the whole photo stretched to " + localizer.input() + ", " + NORMALISED);
        p.put("streetnum.outputs", "box [batch,4]: " + BoxEncoding.NAME + " (W, H: the photo's width and height)");
        p.put("streetnum.refineWindow", Double.toString(localizer.refineWindow()));
        p.put("streetnum.provenance", json(localizer.provenance()));
        p.put(PRECISION, FLOAT);
        p.put("streetnum.softwareVersion", localizer.softwareVersion());
        return p;
    }

    /** The model's id: its {@link #MODEL_ID} property, or its graph's name in a model from elsewhere. */
    static String modelId(Onnx.ModelProto model) {
        return properties(model).getOrDefault(MODEL_ID, model.getGraph().getName());
    }

    static Map<String, String> properties(Onnx.ModelProto model) {
        Map<String, String> p = new LinkedHashMap<>();
        model.getMetadataPropsList().forEach(e -> p.put(e.getKey(), e.getValue()));
        return p;
    }

    /** The thresholds properties; absent means none calibrated yet. */
    static Thresholds thresholds(Map<String, String> properties) {
        String value = properties.get(THRESHOLDS);
        if (value == null) {
            return Thresholds.NONE;
        }
        try {
            return Thresholds.fromKeys(JSON.readValue(value, THRESHOLD_MAP), properties.get(THRESHOLDS_CALIBRATED_ON),
                    properties.get(NO_BOX_THRESHOLDS_CALIBRATED_ON));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new DataException("the ONNX model's " + THRESHOLDS + " property is not a JSON map from target"
                    + " accuracy to P(S|x) threshold (" + e.getMessage() + "): " + value, e);
        }
    }

    /** The same model holding {@code thresholds} (and their provenance) in place of its own. */
    static Onnx.ModelProto withThresholds(Onnx.ModelProto model, Thresholds thresholds) {
        Map<String, String> updated = properties(model);
        putThresholds(updated, thresholds);
        return withProperties(model, updated);
    }

    /** Thresholds and only their own provenance: an old calibration's place must not outlive its thresholds. */
    private static void putThresholds(Map<String, String> properties, Thresholds thresholds) {
        properties.remove(THRESHOLDS_CALIBRATED_ON);
        properties.remove(NO_BOX_THRESHOLDS_CALIBRATED_ON);
        properties.put(THRESHOLDS, json(thresholds.byKey()));
        thresholds.calibratedOn().ifPresent(where -> properties.put(THRESHOLDS_CALIBRATED_ON, where));
        thresholds.noBoxCalibratedOn().ifPresent(where -> properties.put(NO_BOX_THRESHOLDS_CALIBRATED_ON, where));
    }

    /**
     * The same model as one network taken out of a joined bundle: {@code modelId} for the bundle's, and no
     * thresholds ({@link Thresholds#NONE}, written as a float export of an uncalibrated network writes them),
     * since a joined bundle's are calibrated on its networks' readings together. The graph takes the id
     * too: the lead's int8 model was named for the ensemble when quantize made it.
     */
    static Onnx.ModelProto asNetwork(Onnx.ModelProto model, String modelId) {
        Map<String, String> updated = properties(model);
        updated.put(MODEL_ID, modelId);
        putThresholds(updated, Thresholds.NONE);
        Onnx.ModelProto.Builder renamed = model.toBuilder();
        renamed.getGraphBuilder().setName(modelId);
        return withProperties(renamed.build(), updated);
    }

    /** The same model with its metadata properties replaced by {@code properties}. */
    static Onnx.ModelProto withProperties(Onnx.ModelProto model, Map<String, String> properties) {
        Onnx.ModelProto.Builder b = model.toBuilder().clearMetadataProps();
        properties.forEach((k, v) -> b.addMetadataProps(Onnx.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return b.build();
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value + " as JSON", e);
        }
    }
}
