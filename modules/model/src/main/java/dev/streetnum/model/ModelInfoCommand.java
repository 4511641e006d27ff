package dev.streetnum.model;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code streetnum model-info}: each preset's size and cost, computed from its layer shapes; with
 * {@code --model}, what a bundle holds (model id, preset, thresholds, the networks it reads with, localizers).
 */
@Command(name = "model-info", mixinStandardHelpOptions = true,
        description = {"Prints each network preset's parameter count and forward FLOPs per 54x54 image;"
                + " with --model, what a bundle holds."})
public final class ModelInfoCommand implements Callable<Integer> {

    @Option(names = "--preset", description = "Only this preset (any the table lists, e.g. cpu or cpu_deeper).")
    String preset;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "BUNDLE", description = "Describe this bundle instead.")
    java.nio.file.Path model;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (model != null) {
            ModelBundle bundle = ModelBundle.load(model);
            BundleMetadata m = bundle.metadata();
            out.printf(Locale.ROOT, "model %s: preset %s, %,d parameters, thresholds %s%s%n", m.modelId(),
                    m.preset(), bundle.network().numParams(), m.thresholds(), readsOnly(bundle, 0));
            for (int i = 0; i < bundle.partners().size(); i++) {
                BundleMetadata p = bundle.partners().get(i).metadata();
                out.printf(Locale.ROOT, "reads with network %d: model %s, preset %s, %,d parameters (its heads are"
                                + " averaged with the other networks'; the thresholds above are the ensemble's)%s%n", i + 2,
                        p.modelId(), p.preset(), bundle.partners().get(i).network().numParams(),
                        readsOnly(bundle, i + 1));
            }
            out.println(bundle.localizerSummary());
            if (!bundle.attachmentNames().isEmpty()) {
                // The onnx module writes and reads them; int8*.onnx are the networks --engine onnx-int8 runs.
                out.println("also stored: " + String.join(", ", bundle.attachmentNames()));
            }
            for (int i = 0; i < bundle.localizers().size(); i++) {
                out.printf(Locale.ROOT, "localizer %d provenance: %s%n", i + 1,
                        bundle.localizers().get(i).metadata().provenance());
            }
            return 0;
        }
        List<Preset> presets = preset == null ? List.of(Preset.values()) : List.of(Preset.parse(preset));
        // The name column as wide as the longest name, so the numbers line up under their headings.
        int names = Math.max("preset".length(), presets.stream().mapToInt(p -> p.name().length()).max().orElse(0));
        out.printf(Locale.ROOT, "%-" + names + "s %14s %16s%n", "preset", "parameters", "MFLOP/image");
        for (Preset p : presets) {
            out.printf(Locale.ROOT, "%-" + names + "s %,14d %,16.1f%n", p.name().toLowerCase(Locale.ROOT),
                    p.parameterCount(), p.forwardFlops() / 1e6);
        }
        return 0;
    }

    /** What network {@code member} (0 leads) of the bundle leaves to the others, if anything. */
    private static String readsOnly(ModelBundle bundle, int member) {
        boolean noBox = member < bundle.noBoxMembers();
        boolean box = member >= bundle.members().size() - bundle.boxMembers();
        return noBox && box ? "" : noBox ? "; it reads only a photo sent without a box"
                : "; it reads only a box the caller gives";
    }
}
