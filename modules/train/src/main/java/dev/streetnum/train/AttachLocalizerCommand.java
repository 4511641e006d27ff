package dev.streetnum.train;

import dev.streetnum.data.DataException;
import dev.streetnum.model.Localizer;
import dev.streetnum.model.ModelBundle;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code streetnum attach-localizer}: moves a trained localizer from one bundle onto another, without retraining. */
@Command(name = "attach-localizer", mixinStandardHelpOptions = true,
        description = "Copies the localizer of --from onto --bundle and writes the result to --out (atomically),"
                + " optionally with another refine window.")
public final class AttachLocalizerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--from", required = true, paramLabel = "BUNDLE", description = "A bundle holding a localizer.")
    Path from;

    @Option(names = "--bundle", required = true, paramLabel = "BUNDLE", description = "The bundle to attach it to (read only).")
    Path bundle;

    @Option(names = "--out", required = true, paramLabel = "BUNDLE", description = "Where the result is written (may equal --bundle).")
    Path out;

    @Option(names = "--refine-window", paramLabel = "FACTOR",
            description = "Localize again in the first box grown by FACTOR (e.g. 1.5; 0 for one pass)."
                    + " Default: as in --from.")
    Double refineWindow;

    @Override
    public Integer call() {
        Localizer localizer = ModelBundle.load(from).localizer()
                .orElseThrow(() -> new DataException(from + " holds no localizer (train one with train-localizer)"));
        if (refineWindow != null) {
            try {
                localizer = localizer.withMetadata(localizer.metadata().withRefineWindow(refineWindow));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--refine-window: " + e.getMessage(), e);
            }
        }
        ModelBundle target = ModelBundle.load(bundle);
        target.withLocalizer(localizer).save(out);
        spec.commandLine().getOut().println("localizer from " + from + " attached: " + out);
        warnIfNoBoxThresholdsAreStale(target, out, spec.commandLine().getErr());
        return 0;
    }

    /**
     * No-box thresholds measure a transcriber reading one localizer's boxes: a new localizer makes them
     * stale, and the reader would refuse by the old ones. Kept (they are still the best guess, and an
     * int8 model holds its own) but said, with the command that recalibrates them.
     */
    static void warnIfNoBoxThresholdsAreStale(ModelBundle before, Path written, PrintWriter err) {
        if (before.metadata().thresholds().hasNoBox()) {
            err.println("warning: " + written + " keeps the no-box thresholds calibrated with its previous localizer;"
                    + " recalibrate them: streetnum evaluate --model " + written + " --no-box --data TEST --val VAL"
                    + " --write-threshold --out REPORT (and again with --engine onnx-int8 if it has an int8 model)");
        }
    }
}
