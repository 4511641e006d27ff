package dev.streetnum.model;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code streetnum average-weights}: one bundle whose weights are the mean of several bundles' ({@link WeightAverage}). */
@Command(name = "average-weights", mixinStandardHelpOptions = true,
        description = {"Averages the weights of bundles fine-tuned from one another (a model soup): one network,"
                + " one forward pass. The first --model's localizers are kept; thresholds are not, so calibrate"
                + " them again with evaluate --write-threshold (and --no-box)."})
public final class AverageWeightsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "BUNDLE",
            description = "A bundle to average; give two or more, all of one preset (the first leads).")
    List<Path> models;

    @Option(names = "--out", required = true, paramLabel = "BUNDLE", description = "Where the average is written (atomically).")
    Path out;

    @Option(names = "--id", paramLabel = "ID", description = "The average's model id (default: the first model's id + \"-avg\" + the count).")
    String id;

    @Override
    public Integer call() {
        List<ModelBundle> bundles = ModelBundle.loadAll(models);
        String modelId = id != null ? id : bundles.get(0).metadata().modelId() + "-avg" + bundles.size();
        WeightAverage.average(bundles, modelId).save(out);
        spec.commandLine().getOut().println("the weights of " + bundles.size() + " bundles averaged into " + out
                + " (model id " + modelId + "); it has no thresholds yet: streetnum evaluate --model " + out
                + " --data TEST --val VAL --write-threshold --out REPORT, and again with --no-box");
        return 0;
    }
}
