package dev.streetnum.eval;

import dev.streetnum.data.Noun;
import dev.streetnum.model.TargetAccuracy;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code streetnum compare}: two models' {@code evaluate} reports over the same photos, paired. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"How sure is it that model B ranks its answers better than model A? Reads both models'"
                + " evaluate reports of the same photos (one or more sets each, in the same order: e.g. with the box"
                + " and with --no-box), draws the photos with replacement (the same draw for both models and every"
                + " set) and prints each model's mean risk-coverage area (AURC), the gain of B, how often B is"
                + " ahead, how often by more than --margin, and the gain's 90%% interval. With --up-to-coverage, the"
                + " area over the most confident answers alone: the part of the ranking a target accuracy's"
                + " threshold falls in."})
public final class CompareCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--a", required = true, paramLabel = "REPORT",
            description = "Model A's report folder or its predictions.csv (repeat per set).")
    List<Path> a = new ArrayList<>();

    @Option(names = "--b", required = true, paramLabel = "REPORT",
            description = "Model B's, the same sets in the same order.")
    List<Path> b = new ArrayList<>();

    @Option(names = "--margin", paramLabel = "GAIN", defaultValue = "0.001",
            description = "A gain a rule asks of B; the share of draws beyond it is printed (default: ${DEFAULT-VALUE}).")
    double margin;

    @Option(names = "--up-to-coverage", paramLabel = "C", defaultValue = "1",
            description = "Compare the area over the coverages up to C alone, in (0, 1]: the C most confident"
                    + " answers (say 0.75 where a goal asks 75%% answered at 98%%; default: ${DEFAULT-VALUE}, the"
                    + " whole area).")
    double upToCoverage;

    @Option(names = "--set-aside", paramLabel = "CSV",
            description = "Leave these photos out of every set before drawing: a CSV with a file column naming"
                    + " them (e.g. datasets/svhn-real-val-partial-labels.csv, val labels that name part of the"
                    + " number). Every name must be among each report's photos.")
    Path setAside;

    @Option(names = "--best-coverage-at", paramLabel = "A",
            description = "Also print, for each set, each model's best achievable coverage at accuracy A (say"
                    + " 0.98) and its threshold: the largest share of the set's photos, taken by P(S|x), that is at"
                    + " least A right, chosen on that very set (so no figure to quote as a result; it shows what a"
                    + " ranking allows, e.g. with --set-aside photos left out).")
    Double bestCoverageAt;

    @Mixin
    BootstrapOptions draws = new BootstrapOptions();

    @Override
    public Integer call() {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException("give as many --b sets as --a sets (" + a.size() + " and " + b.size() + ")");
        }
        // Refused before any report is read.
        TargetAccuracy target = bestCoverageAt == null ? null : new TargetAccuracy(bestCoverageAt);
        List<Path> files = new ArrayList<>();
        a.forEach(p -> files.add(PredictionsCsv.inReport(p)));
        b.forEach(p -> files.add(PredictionsCsv.inReport(p)));
        List<List<Prediction>> read = files.stream().map(PredictionsCsv::read).toList();
        PrintWriter out = spec.commandLine().getOut();
        if (setAside != null) {
            SetAsidePhotos aside = SetAsidePhotos.read(setAside);
            List<List<Prediction>> all = read;
            read = IntStream.range(0, files.size()).mapToObj(i -> aside.from(all.get(i), files.get(i))).toList();
            out.printf(Locale.ROOT, "set aside: the %d photos named in %s%n", aside.size(), setAside);
        }
        PairedComparison c = PairedComparison.of(read.subList(0, a.size()), read.subList(a.size(), read.size()),
                files.stream().map(Path::toString).toList(), margin, upToCoverage, draws.bootstrap());
        for (int s = 0; s < c.sets(); s++) {
            out.printf(Locale.ROOT, "set %d: A %.5f (%s), B %.5f (%s)%n", s + 1, c.setAreasA().get(s), a.get(s), c.setAreasB().get(s),
                    b.get(s));
        }
        String area = upToCoverage == 1 ? "AURC" : String.format(Locale.ROOT, "AURC up to coverage %s", upToCoverage);
        out.printf(Locale.ROOT, "mean %s over %s of %s: A %.5f, B %.5f, gain of B %.5f%n", area,
                Noun.regular("set").count(c.sets()), Noun.regular("photo").count(c.photos()), c.areaA(), c.areaB(),
                c.gainOfB());
        out.printf(Locale.ROOT, "%d paired resamples: B ahead in %.1f%%, by more than %s in %.1f%%; gain %.0f%% interval"
                        + " [%.4f, %.4f]%n", c.resamples(), 100 * c.ahead(), margin, 100 * c.clear(),
                100 * Bootstrap.LEVEL, c.gain().low(), c.gain().high());
        if (target != null) {
            for (int s = 0; s < c.sets(); s++) {
                int other = a.size() + s;
                out.printf(Locale.ROOT, "set %d, best coverage at accuracy %s on the set itself: A %s, B %s%n", s + 1,
                        bestCoverageAt, best(read.get(s), files.get(s), target),
                        best(read.get(other), files.get(other), target));
            }
        }
        return 0;
    }

    private static String best(List<Prediction> predictions, Path file, TargetAccuracy target) {
        OperatingPoint p = new EvaluatedSet(file.toString(), predictions).principledCurve().atAccuracy(target.value());
        return p.acceptsAnything() ? String.format(Locale.ROOT, "%.1f%% (t = %.4f)", 100 * p.coverage(), p.threshold())
                : "none (no threshold is that accurate)";
    }
}
