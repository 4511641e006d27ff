package dev.streetnum.onnx;

import dev.streetnum.data.DataException;
import dev.streetnum.model.BundleMetadata;
import dev.streetnum.model.Dl4jEngine;
import dev.streetnum.model.InferenceEngine;
import dev.streetnum.model.ModelBundle;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import onnx.Onnx;
import picocli.CommandLine;

/**
 * The engines a bundle can be run with, as {@code --engine} names them: the DL4J network, its ONNX
 * export in ONNX Runtime (float), and the bundle's int8 model in ONNX Runtime (made by
 * {@code streetnum quantize}).
 */
public enum Engine {
    DL4J("dl4j"),
    ONNX("onnx"),
    ONNX_INT8("onnx-int8");

    /**
     * What {@code serve}, {@code transcribe} and {@code evaluate} use without {@code --engine}: the
     * float export in ONNX Runtime. It answers as DL4J does (tested within 1e-4) and its network
     * alone measured 5.1x DL4J's images/s at batch 1 and 1.5x at batch 64 on a quiet machine (README,
     * "ONNX and int8"). The trainer stays on DL4J; {@code --engine dl4j} is one flag away.
     */
    public static final String DEFAULT = "onnx";

    private final String label;

    Engine(String label) {
        this.label = label;
    }

    /** The name on the command line and in reports. */
    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }

    public static Engine parse(String name) {
        for (Engine e : values()) {
            if (e.label.equals(name.trim().toLowerCase(Locale.ROOT))) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown engine '" + name + "': choose one of " + Arrays.toString(values()));
    }

    /** For picocli: {@code --engine onnx-int8}. */
    public static final class Converter implements CommandLine.ITypeConverter<Engine> {
        @Override
        public Engine convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** The bundle's network on this engine; the caller closes it. */
    public InferenceEngine open(ModelBundle bundle) {
        return switch (this) {
            case DL4J -> new Dl4jEngine(bundle);
            case ONNX -> new OnnxEngine(OnnxExporter.export(bundle));
            case ONNX_INT8 -> new OnnxEngine(int8Model(bundle));
        };
    }

    /** The bundle's int8 model; a bundle without one is an error that says how to make it. */
    static Onnx.ModelProto int8Model(ModelBundle bundle) {
        byte[] stored = bundle.attachment(Int8Quantizer.BUNDLE_ENTRY).orElseThrow(() -> new DataException(
                "model " + bundle.metadata().modelId() + " has no int8 network: run  streetnum quantize --model BUNDLE"
                        + " --calibration TRAIN_DIR  first"));
        return OnnxEngine.parse(stored, "the bundle's " + Int8Quantizer.BUNDLE_ENTRY);
    }

    /**
     * The bundle with thresholds calibrated on this engine's outputs stored where this engine reads
     * them: the bundle's metadata for DL4J and the float export (they agree within 1e-4), the int8
     * model's metadata properties for int8.
     *
     * @param calibratedOn the data set the thresholds were chosen on, for provenance
     */
    public ModelBundle withThresholds(ModelBundle bundle, Map<String, Double> thresholds, String calibratedOn) {
        if (this != ONNX_INT8) {
            BundleMetadata updated = bundle.metadata();
            for (Map.Entry<String, Double> e : thresholds.entrySet()) {
                updated = updated.withThreshold(Double.parseDouble(e.getKey()), e.getValue());
            }
            return bundle.withMetadata(updated.withProvenance(Map.of("thresholdsCalibratedOn", calibratedOn)));
        }
        Onnx.ModelProto int8 = int8Model(bundle);
        Map<String, String> properties = OnnxMetadata.properties(int8);
        Map<String, Double> merged = new TreeMap<>(OnnxMetadata.thresholds(properties));
        merged.putAll(thresholds);
        Map<String, String> updated = new LinkedHashMap<>(properties);
        updated.put(OnnxMetadata.THRESHOLDS, OnnxMetadata.json(merged));
        updated.put("streetnum.thresholdsCalibratedOn", calibratedOn);
        return Int8Quantizer.attach(bundle, OnnxMetadata.withProperties(int8, updated));
    }
}
