package dev.streetnum.eval;

import dev.streetnum.data.DataException;
import dev.streetnum.data.Noun;
import dev.streetnum.model.BundleMetadata;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.TargetAccuracy;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code streetnum compare-cuts}: how often two models answer numbers cut short, paired ({@link CutComparison}). */
@Command(name = "compare-cuts", mixinStandardHelpOptions = true,
        description = {"How many numbers cut short (streetnum cut-numbers) does each model answer at its own no-box"
                + " threshold, where only the whole number is right, and how sure is it that model B answers fewer"
                + " than A? Reads both models' evaluate reports of the same cut set and the bundles they read with"
                + " (for their no-box thresholds), draws the numbers with replacement (all cuts of a number"
                + " together, the same draw for both) and prints each model's cuts answered and answered wrong,"
                + " and the 90%% intervals of A's share minus B's."})
public final class CompareCutsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--a", required = true, paramLabel = "REPORT",
            description = "Model A's evaluate report of the cut set (its folder or its predictions.csv).")
    Path a;

    @Option(names = "--a-model", required = true, paramLabel = "BUNDLE", description = "The bundle A's report read with.")
    Path aModel;

    @Option(names = "--b", required = true, paramLabel = "REPORT", description = "Model B's report of the same cuts.")
    Path b;

    @Option(names = "--b-model", required = true, paramLabel = "BUNDLE", description = "The bundle B's report read with.")
    Path bModel;

    @Option(names = "--target-accuracy", paramLabel = "A", defaultValue = "" + TargetAccuracy.PAPER_ACCURACY,
            description = "The accuracy whose no-box thresholds judge the answers (default: ${DEFAULT-VALUE}).")
    double targetAccuracy;

    @Mixin
    BootstrapOptions draws = new BootstrapOptions();

    @Override
    public Integer call() {
        TargetAccuracy target = new TargetAccuracy(targetAccuracy);
        double thresholdA = noBoxThreshold(aModel, target);
        double thresholdB = noBoxThreshold(bModel, target);
        Path fileA = PredictionsCsv.inReport(a);
        Path fileB = PredictionsCsv.inReport(b);
        CutComparison c = CutComparison.of(PredictionsCsv.read(fileA), PredictionsCsv.read(fileB),
                List.of(fileA.toString(), fileB.toString()), thresholdA, thresholdB, draws.bootstrap());
        PrintWriter out = spec.commandLine().getOut();
        // Counts and thresholds as evaluate prints them, so the two commands' lines read (and grep) alike.
        out.printf(Locale.ROOT, "%s of %s%n", Noun.regular("cut").count(c.cuts()), Noun.regular("number").count(c.numbers()));
        out.printf(Locale.ROOT, "A answers %d (%.1f%%), %d of them wrong, at its no-box threshold %s (%s)%n", c.answeredA(),
                100.0 * c.answeredA() / c.cuts(), c.wrongA(), ReportWriter.formatThreshold(c.thresholdA()), aModel);
        out.printf(Locale.ROOT, "B answers %d (%.1f%%), %d of them wrong, at its no-box threshold %s (%s)%n", c.answeredB(),
                100.0 * c.answeredB() / c.cuts(), c.wrongB(), ReportWriter.formatThreshold(c.thresholdB()), bModel);
        out.printf(Locale.ROOT, "%d paired resamples of the numbers: B answers a smaller share in %.1f%%; A's share answered"
                        + " minus B's %.4f, %.0f%% interval [%.4f, %.4f]; answered wrong %.4f [%.4f, %.4f]%n",
                c.resamples(), 100 * c.fewer(), c.gainOfB(), 100 * Bootstrap.LEVEL, c.gain().low(), c.gain().high(),
                c.wrongGainOfB(), c.wrongGain().low(), c.wrongGain().high());
        return 0;
    }

    /** The bundle's no-box threshold for the target, or a sentence saying how to calibrate it. */
    private static double noBoxThreshold(Path bundle, TargetAccuracy target) {
        BundleMetadata model = ModelBundle.metadataOf(bundle);
        return model.thresholds().atNoBox(target).orElseThrow(() -> new DataException("model "
                + model.modelId() + " (" + bundle + ") has no no-box threshold for accuracy " + target
                + ": calibrate one with streetnum evaluate --model " + bundle + " --no-box --write-threshold"));
    }
}
