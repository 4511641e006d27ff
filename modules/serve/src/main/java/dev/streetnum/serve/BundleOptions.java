package dev.streetnum.serve;

import dev.streetnum.model.Ensemble;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.TargetAccuracy;
import dev.streetnum.model.AcceptanceThreshold;
import dev.streetnum.onnx.Engine;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** The model, engine and threshold options shared by {@code serve}, {@code transcribe} and {@code bench-serve}. */
final class BundleOptions {

    @Option(names = "--model", paramLabel = "BUNDLE", defaultValue = ModelBundle.SHIPPED,
            description = "the model bundle file (default: the shipped models/streetnum-cpu.bundle)")
    Path model;

    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = Engine.DEFAULT, converter = Engine.Converter.class,
            description = Engine.OPTION_HELP)
    Engine engine;

    @ArgGroup(exclusive = true)
    ThresholdChoice threshold = new ThresholdChoice();

    static final class ThresholdChoice {
        @Option(names = "--threshold", paramLabel = "T",
                description = "refuse answers with P(S|x) below T")
        Double value;

        @Option(names = "--target-accuracy", paramLabel = "A",
                description = "use the bundle's threshold calibrated for accuracy A (default " + TargetAccuracy.PAPER_ACCURACY + " when neither is given)")
        Double targetAccuracy;
    }

    ModelBundle load() {
        return ModelBundle.load(model);
    }

    /** The bundle as it reads on the chosen engine: its network, and its partners' when it has any. */
    Ensemble open(ModelBundle bundle) {
        return engine.open(List.of(bundle));
    }

    /**
     * The threshold given (for every answer), or the ones calibrated on this engine's outputs for the
     * target accuracy ({@link TargetAccuracy#PAPER} when neither is given), a caller's box and no box apart.
     *
     * @throws IllegalArgumentException naming the problem: a threshold outside [0, 1], a target outside
     *                                  (0, 1], or no threshold calibrated for the target
     */
    AcceptanceThreshold threshold(Ensemble models) {
        TargetAccuracy target = threshold.targetAccuracy == null ? TargetAccuracy.PAPER
                : new TargetAccuracy(threshold.targetAccuracy);
        return AcceptanceThreshold.givenOr(threshold.value, models.thresholds(), target, models.modelId());
    }
}
