package dev.streetnum.serve;

import dev.streetnum.model.BundleMetadata;
import dev.streetnum.model.ModelBundle;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** The model and threshold options shared by {@code serve}, {@code transcribe} and {@code bench-serve}. */
final class BundleOptions {

    /** The shipped pretrained bundle; scripts/streetnum sets STREETNUM_HOME to the checkout. */
    static final String SHIPPED_MODEL = "${env:STREETNUM_HOME:-.}/models/streetnum-cpu.bundle";

    @Option(names = "--model", paramLabel = "BUNDLE", defaultValue = SHIPPED_MODEL,
            description = "the model bundle file (default: the shipped models/streetnum-cpu.bundle)")
    Path model;

    @ArgGroup(exclusive = true)
    ThresholdChoice threshold = new ThresholdChoice();

    static final class ThresholdChoice {
        @Option(names = "--threshold", paramLabel = "T",
                description = "refuse answers with P(S|x) below T")
        Double value;

        @Option(names = "--target-accuracy", paramLabel = "A",
                description = "use the bundle's threshold calibrated for accuracy A (default " + BundleMetadata.TARGET_ACCURACY + " when neither is given)")
        Double targetAccuracy;
    }

    ModelBundle load() {
        return ModelBundle.load(model);
    }

    double threshold(ModelBundle bundle) {
        return ServingThreshold.resolve(bundle.metadata(), threshold.value, threshold.targetAccuracy);
    }
}
