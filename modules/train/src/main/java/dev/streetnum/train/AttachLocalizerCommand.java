package dev.streetnum.train;

import dev.streetnum.data.DataException;
import dev.streetnum.data.Noun;
import dev.streetnum.model.Localizer;
import dev.streetnum.model.ModelBundle;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code streetnum attach-localizer}: moves trained localizers from bundles onto another, without retraining.
 * Several make candidate boxes: the transcriber reads each and keeps the most probable answer.
 */
@Command(name = "attach-localizer", mixinStandardHelpOptions = true,
        description = {"Copies the localizers of --from onto --bundle (replacing its own) and writes the result to"
                + " --out (atomically), optionally with another refine window. Give --from more than once (or a"
                + " bundle holding several) to attach several localizers, at most 4: a photo without a box is then"
                + " read in each one's box and the answer with the highest P(S|x) is kept (each localizer adds its"
                + " passes and one more read per photo sent without a box)."})
public final class AttachLocalizerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--from", required = true, paramLabel = "BUNDLE",
            description = "A bundle holding a localizer; repeat for more (their order is kept, the first is the one"
                    + " train-localizer --init-from continues).")
    List<Path> from;

    @Option(names = "--bundle", required = true, paramLabel = "BUNDLE", description = "The bundle to attach it to (read only).")
    Path bundle;

    @Option(names = "--out", required = true, paramLabel = "BUNDLE", description = "Where the result is written (may equal --bundle).")
    Path out;

    @Option(names = "--refine-window", paramLabel = "FACTOR",
            description = "Localize again in the first box grown by FACTOR (e.g. 1.5; 0 for one pass), for every"
                    + " localizer attached. Default: as in --from.")
    Double refineWindow;

    @Option(names = "--replace", paramLabel = "N",
            description = "Keep --bundle's own localizers and put those of --from in place of its N-th (from 1): to"
                    + " swap one of several for a newly trained one.")
    Integer replace;

    @Override
    public Integer call() {
        List<Localizer> localizers = new ArrayList<>();
        for (Path source : from) {
            List<Localizer> held = ModelBundle.load(source).localizers();
            if (held.isEmpty()) {
                throw new DataException(source + " holds no localizer (train one with train-localizer)");
            }
            for (Localizer localizer : held) {
                if (refineWindow != null) {
                    try {
                        localizer = localizer.withMetadata(localizer.metadata().withRefineWindow(refineWindow));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("--refine-window: " + e.getMessage(), e);
                    }
                }
                localizers.add(localizer);
            }
        }
        ModelBundle target = ModelBundle.load(bundle);
        if (replace != null) {
            List<Localizer> own = target.localizers();
            if (replace < 1 || replace > own.size()) {
                throw new IllegalArgumentException("--replace " + replace + ": " + bundle + " holds "
                        + Noun.regular("localizer").count(own.size()) + ", so N is 1 to " + own.size());
            }
            List<Localizer> swapped = new ArrayList<>(own.subList(0, replace - 1));
            swapped.addAll(localizers);
            swapped.addAll(own.subList(replace, own.size()));
            localizers = swapped;
        }
        ModelBundle attached = target.withLocalizers(localizers);
        attached.save(out);
        spec.commandLine().getOut().println((localizers.size() == 1 ? "localizer" : localizers.size() + " localizers")
                + " from " + from.stream().map(Path::toString).collect(Collectors.joining(", "))
                + (replace == null ? "" : " and " + bundle + " (its localizer " + replace + " replaced)") + " attached: " + out);
        spec.commandLine().getOut().println(attached.localizerSummary());
        warnIfNoBoxThresholdsAreStale(target, out, spec.commandLine().getErr());
        return 0;
    }

    /**
     * No-box thresholds measure a transcriber reading its localizers' boxes: new localizers make them
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
