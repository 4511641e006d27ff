package dev.streetnum.onnx;

import dev.streetnum.data.DataException;
import dev.streetnum.model.Dl4jEngine;
import dev.streetnum.model.Ensemble;
import dev.streetnum.model.InferenceEngine;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.Thresholds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
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

    /** The {@code --engine} option's help, one text for every command that takes the option. */
    public static final String OPTION_HELP = "dl4j, onnx (the float export in ONNX Runtime) or onnx-int8 (the"
            + " bundle's int8 model, from streetnum quantize; its thresholds are its own) (default: ${DEFAULT-VALUE}).";

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

    /**
     * The bundle's network on this engine, its localizers too (ONNX Runtime float for both ONNX
     * engines: the localizers are small and not quantized); the caller closes it. The bundle's own network
     * only: a bundle that reads with partners is opened whole by {@link #open(List)}.
     */
    public InferenceEngine open(ModelBundle bundle) {
        return open(bundle, OnnxEngine.RUNTIME_THREADS);
    }

    /**
     * As {@link #open(ModelBundle)}, each ONNX Runtime session with {@code threads} intra-op threads
     * ({@link OnnxEngine#RUNTIME_THREADS}: ONNX Runtime's choice). DL4J takes its threads from
     * {@code OMP_NUM_THREADS}, set where the JVM starts, so it has no such argument to honour.
     */
    public InferenceEngine open(ModelBundle bundle, int threads) {
        return switch (this) {
            case DL4J -> new Dl4jEngine(bundle);
            case ONNX -> new OnnxEngine(OnnxExporter.export(bundle), bundle.localizers(), threads);
            case ONNX_INT8 -> new OnnxEngine(int8Model(bundle), bundle.localizers(), threads);
        };
    }

    /**
     * The bundles' networks on this engine, read as one ({@link Ensemble}; the first leads), each bundle
     * with its partners ({@link ModelBundle#members}): {@code open(List.of(bundle))} is a bundle as it reads,
     * a photo sent without a box by its no-box members ({@link ModelBundle#noBoxMembers}) and a caller's box
     * by its box members ({@link ModelBundle#boxMembers}). Several bundles read every photo with every
     * network, so a bundle whose networks do not all read on both paths reads alone. Refused before any
     * engine opens when they do not preprocess alike. The caller closes the ensemble, which closes every
     * engine; if one fails to open, those already open are closed.
     */
    public Ensemble open(List<ModelBundle> bundles) {
        return open(bundles, OnnxEngine.RUNTIME_THREADS);
    }

    /**
     * As {@link #open(List)}, each ONNX Runtime session with {@code threads} intra-op threads. int8: every
     * member's int8 model, each stored in its bundle (from {@code quantize}); one missing is refused before
     * any engine opens.
     */
    public Ensemble open(List<ModelBundle> bundles, int threads) {
        // Refused before any int8 model is parsed or engine opens.
        for (ModelBundle bundle : bundles) {
            if (bundles.size() > 1 && !bundle.readingPaths().alike()) {
                throw new IllegalArgumentException("model " + bundle.metadata().modelId() + " reads with "
                        + bundle.members().size() + " networks: " + bundle.readingPaths().describe() + ", which an"
                        + " ensemble of several bundles cannot keep: read it alone, or join its networks anew"
                        + " (streetnum split-ensemble, then streetnum ensemble)");
            }
        }
        List<ModelBundle> networks = new ArrayList<>();
        List<Onnx.ModelProto> int8 = new ArrayList<>();
        for (ModelBundle bundle : bundles) {
            networks.addAll(bundle.members());
            for (int m = 0; this == ONNX_INT8 && m < bundle.members().size(); m++) {
                int8.add(int8Model(bundle, m));
            }
        }
        Ensemble.requireAlike(networks);
        List<Ensemble.Member> members = new ArrayList<>();
        try {
            for (int i = 0; i < networks.size(); i++) {
                ModelBundle network = networks.get(i);
                members.add(new Ensemble.Member(network, this == ONNX_INT8
                        ? new OnnxEngine(int8.get(i), network.localizers(), threads) : open(network, threads)));
            }
            return bundles.size() == 1
                    ? new Ensemble(members, bundles.get(0).readingPaths())
                    : new Ensemble(members);
        } catch (RuntimeException e) {
            members.forEach(m -> m.engine().close());
            throw e;
        }
    }

    /**
     * The model id this engine's answers carry ({@link InferenceEngine#modelId()}), without starting a
     * runtime: the int8 model's own ({@code ...-int8}), else the bundle's (the float export keeps it).
     */
    public String modelId(ModelBundle bundle) {
        return this != ONNX_INT8 ? bundle.metadata().modelId() : OnnxMetadata.modelId(int8Model(bundle));
    }

    /** The bundle's own network's int8 model (an ensemble's lead's), which holds the int8 thresholds. */
    static Onnx.ModelProto int8Model(ModelBundle bundle) {
        return int8Model(bundle, 0);
    }

    /**
     * Member {@code member}'s int8 model ({@link ModelBundle#members} order); a bundle without it is an error
     * that says how to make it.
     */
    static Onnx.ModelProto int8Model(ModelBundle bundle, int member) {
        String entry = Int8Quantizer.entry(member);
        byte[] stored = bundle.attachment(entry).orElseThrow(() -> new DataException("model "
                + bundle.metadata().modelId() + " has no int8 network" + (bundle.partners().isEmpty() ? ""
                : " for its member " + (member + 1) + " of " + bundle.members().size() + " ("
                        + bundle.members().get(member).metadata().modelId() + ")")
                + ": run  streetnum quantize --model BUNDLE --calibration TRAIN_DIR  first"));
        return OnnxEngine.parse(stored, "the bundle's " + entry);
    }

    /**
     * The operating points this engine's network was calibrated at, without starting a runtime:
     * the bundle's metadata for DL4J and the float export (they agree within 1e-4), the int8
     * model's own metadata properties for int8 (its probabilities are not the float network's).
     */
    public Thresholds thresholds(ModelBundle bundle) {
        return this == ONNX_INT8 ? OnnxMetadata.thresholds(OnnxMetadata.properties(int8Model(bundle)))
                : bundle.metadata().thresholds();
    }

    /**
     * The one writer of calibrated thresholds: the bundle with {@code calibrated} merged
     * ({@link Thresholds#updatedWith}) into this engine's thresholds, where {@link #thresholds} and
     * {@link #open} read them.
     */
    public ModelBundle withThresholds(ModelBundle bundle, Thresholds calibrated) {
        Thresholds merged = thresholds(bundle).updatedWith(calibrated);
        if (this != ONNX_INT8) {
            return bundle.withMetadata(bundle.metadata().withThresholds(merged));
        }
        return Int8Quantizer.attach(bundle, 0, OnnxMetadata.withThresholds(int8Model(bundle), merged));
    }
}
