package dev.streetnum.onnx;

import dev.streetnum.model.BundleMetadata;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.Preset;
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
 * {@code --model}, what a bundle holds (model id, preset, thresholds, the networks it reads with and on
 * which path, localizers, and the int8 models' own thresholds). It lives here, not in the model module,
 * because the int8 thresholds are inside the int8 model's ONNX metadata, which only this module reads.
 */
@Command(name = "model-info", mixinStandardHelpOptions = true,
        description = {"Prints each network preset's parameter count and forward FLOPs per 54x54 image;"
                + " with --model, what a bundle holds."})
public final class ModelInfoCommand implements Callable<Integer> {

    @Option(names = "--preset", paramLabel = "P",
            description = "Only this preset (any the table lists, e.g. cpu or cpu_deeper).")
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
                    m.preset(), bundle.network().numParams(), m.thresholds(), bundle.readingPaths().onlyClause(0));
            for (int i = 0; i < bundle.partners().size(); i++) {
                BundleMetadata p = bundle.partners().get(i).metadata();
                out.printf(Locale.ROOT, "reads with network %d: model %s, preset %s, %,d parameters (its heads are"
                                + " averaged with the other networks'; the thresholds above are the ensemble's)%s%n", i + 2,
                        p.modelId(), p.preset(), bundle.partners().get(i).network().numParams(),
                        bundle.readingPaths().onlyClause(i + 1));
            }
            if (!bundle.partners().isEmpty()) {
                out.println("paths: " + bundle.readingPaths().describe());
            }
            out.println(bundle.localizerSummary());
            if (!bundle.attachmentNames().isEmpty()) {
                // int8*.onnx are the networks --engine onnx-int8 runs.
                out.println("also stored: " + String.join(", ", bundle.attachmentNames()));
            }
            if (bundle.attachmentNames().contains(Int8Quantizer.entry(0))) {
                out.println("int8 thresholds (--engine onnx-int8, their own: the int8 networks' probabilities are"
                        + " not the float ones'): " + Engine.ONNX_INT8.thresholds(bundle));
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
}
