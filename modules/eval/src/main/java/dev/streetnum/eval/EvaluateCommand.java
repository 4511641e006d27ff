package dev.streetnum.eval;

import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.Noun;
import dev.streetnum.model.AcceptanceThreshold;
import dev.streetnum.model.BoxSource;
import dev.streetnum.model.Ensemble;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.ReadViews;
import dev.streetnum.model.TargetAccuracy;
import dev.streetnum.model.Thresholds;
import dev.streetnum.onnx.Engine;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code streetnum evaluate}: a model bundle on a test set, into a report folder. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Measures a model (or an ensemble, --ensemble): accuracy, coverage at a target accuracy"
                + " (thresholds chosen on --val, applied to --data), principled against ad-hoc confidence, worst errors;"
                + " writes report.json,"
                + " predictions.csv, pictures and index.html to --out."})
public final class EvaluateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "BUNDLE", description = "The model bundle.")
    Path model;

    @Option(names = "--ensemble", paramLabel = "BUNDLE",
            description = {"Read with this bundle too (repeatable): an ensemble. Every model reads the same input and"
                    + " each head's probabilities are averaged over the models (and --views) before the one decoding."
                    + " The bundles must preprocess as --model's does; with --no-box, --model's localizer finds the"
                    + " box every model reads."})
    List<Path> ensemble = new ArrayList<>();

    @Option(names = "--data", required = true, paramLabel = "DIR",
            description = "The test set: a folder with labels.csv (e.g. data/test).")
    Path data;

    @Option(names = "--val", paramLabel = "DIR",
            description = "Validation set to choose thresholds on; without it they are chosen on test (optimistic).")
    Path validation;

    @Option(names = "--train", paramLabel = "DIR", description = "Training set, for the train-test gap.")
    Path train;

    @Option(names = "--target-accuracy", paramLabel = "A", defaultValue = "" + TargetAccuracy.PAPER_ACCURACY,
            description = "Accuracy the operating threshold is chosen for (default: ${DEFAULT-VALUE}).")
    double targetAccuracy;

    @Option(names = "--out", required = true, paramLabel = "REPORT_DIR", description = "Folder for the report.")
    Path out;

    @Option(names = "--write-threshold",
            description = "Store the calibrated thresholds (95, 98, 99%% and the target) in the bundle.")
    boolean writeThreshold;

    @Option(names = "--limit", paramLabel = "N", description = "Use at most the first N images of each set.")
    Integer limit;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "64",
            description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--no-box", description = {"Give the model each whole photo, no box (what a user without a detector"
            + " sends): the bundle's localizer finds the number, or the whole photo is read. The CSV's boxes are then"
            + " only the truth for the mean IoU of the boxes found."})
    boolean noBox;

    @Option(names = "--boxes-as-found", description = {"Read each CSV box as if the bundle's localizer had found it: by"
            + " the networks that read a photo sent without a box (ensemble --no-box-members), the answer's source"
            + " 'localized'. For a set of boxes that cut the number (cut-numbers): how the no-box path reads such a"
            + " box. A measurement only: not with --no-box or --write-threshold."})
    boolean boxesAsFound;

    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = Engine.DEFAULT, converter = Engine.Converter.class,
            description = Engine.OPTION_HELP)
    Engine engine;

    @Option(names = "--skip-bad-rows", description = "Skip malformed CSV rows (counted) instead of stopping.")
    boolean skipBadRows;

    @Option(names = "--views", paramLabel = "N", defaultValue = "1",
            description = "Test-time augmentation: read each region as N views and average the heads before decoding:"
                    + " 1 (plain), 3 (box rescaled), 5 (crop shifted), 15 (both) (default: ${DEFAULT-VALUE}).")
    int views;

    @Option(names = "--combine", paramLabel = "HOW", defaultValue = "MEAN",
            description = "How --views combine: MEAN (average the heads, decode once), MOST_CONFIDENT (decode each view,"
                    + " keep the answer with the highest P(S|x)) or MIXTURE (P(S|x) averaged over the views, decoded"
                    + " exactly) (default: ${DEFAULT-VALUE}).")
    ReadViews.Combine combine;

    @Option(names = "--combine-boxes", paramLabel = "HOW", defaultValue = "MOST_CONFIDENT",
            description = "With --no-box and several localizers, how the readings of a photo's candidate boxes combine:"
                    + " MOST_CONFIDENT (the answer with the highest P(S|x); what serve does), MIXTURE (P(S|x) averaged"
                    + " over the boxes, decoded exactly) or MEAN (the heads averaged) (default: ${DEFAULT-VALUE}).")
    ReadViews.Combine combineBoxes;

    @Override
    public Integer call() {
        ReadViews readViews = ReadViews.standard(views, combine).withBoxes(combineBoxes);
        if (writeThreshold && (views != 1 || combineBoxes != ReadViews.BOXES)) {
            throw new IllegalArgumentException("--write-threshold stores thresholds for the plain read that serve uses;"
                    + " they cannot be calibrated with --views " + views + " --combine-boxes " + combineBoxes);
        }
        if (writeThreshold && !ensemble.isEmpty()) {
            throw new IllegalArgumentException("--write-threshold stores thresholds for the one model the service reads;"
                    + " they cannot be calibrated on an ensemble (--ensemble)");
        }
        if (writeThreshold && boxesAsFound) {
            throw new IllegalArgumentException("--write-threshold calibrates a path as the service reads it; boxes read"
                    + " as found (--boxes-as-found) are no path's, so they cannot calibrate one");
        }
        EvaluationConfig config = new EvaluationConfig(targetAccuracy, batchSize,
                limit == null ? EvaluationConfig.NO_LIMIT : limit, true, boxUse(), readViews);
        ModelBundle bundle = ModelBundle.load(model);
        List<ModelBundle> bundles = new ArrayList<>(List.of(bundle));
        bundles.addAll(ModelBundle.loadAll(ensemble));
        Ensemble.requireAlike(bundles); // before any engine is opened (an ONNX export takes a while)
        if (config.boxUse() == BoxUse.WITHHELD) {
            spec.commandLine().getErr().println(bundle.localizer().isPresent()
                    ? "no box: the bundle's localizer finds the number on each photo"
                            + (ensemble.isEmpty() ? "" : " and every model reads that box")
                    : "warning: no box and the bundle has no localizer: each whole photo is read as the region");
        }
        AnnotatedDataset testSet = load(data);
        AnnotatedDataset validationSet = validation == null ? null : load(validation);
        AnnotatedDataset trainSet = train == null ? null : load(train);

        CoverageReport report;
        Thresholds stored;
        try (Ensemble models = engine.open(bundles)) {
            report = new Evaluator(config).evaluate(models, testSet, validationSet, trainSet);
            // A hand-built ensemble's thresholds are its lead's alone: no operating point of its own.
            stored = ensemble.isEmpty() ? models.thresholds() : null;
        }
        new ReportWriter(Evaluator.seenFraction(bundle.metadata().preprocess())).write(report, out);

        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        printSummary(report, stdout);
        printStored(report, stored, stdout);
        if (report.fit() != null) {
            stdout.println(report.fit().sentence());
        }
        stdout.println("report: " + out.resolve(ReportWriter.INDEX_HTML));
        if (writeThreshold) {
            storeThresholds(bundle, report, stdout, stderr);
        }
        return 0;
    }

    /** The options read as one {@link BoxUse}: both at once would read as found a box that is not given. */
    private BoxUse boxUse() {
        if (noBox && boxesAsFound) {
            throw new IllegalArgumentException("--no-box gives no box, so there is none to read as found");
        }
        return noBox ? BoxUse.WITHHELD : boxesAsFound ? BoxUse.AS_FOUND : BoxUse.GIVEN;
    }

    /** A few lines for a person: the headline numbers, then where the rest is. */
    private void printSummary(CoverageReport report, PrintWriter stdout) {
        if (!ensemble.isEmpty()) {
            stdout.printf(Locale.ROOT, "ensemble of %d models, each head averaged before decoding: %s%n", ensemble.size() + 1,
                    report.modelId());
        }
        SequenceMetrics m = report.test().metrics();
        TestIntervals sure = report.testIntervals();
        stdout.printf(Locale.ROOT, "test: %s, sequence accuracy %s%s, per-digit %s, length %s%n",
                Noun.regular("image").count(m.examples()), percent(m.sequenceAccuracy()), interval(sure == null ? null : sure.sequenceAccuracy(), true),
                percent(m.digitAccuracy()), percent(m.lengthAccuracy()));
        stdout.printf(Locale.ROOT, "risk-coverage area (AURC) on test: %.4f%s%n", report.test().riskCoverageArea(),
                interval(sure == null ? null : sure.riskCoverageArea(), false));
        stdout.printf(Locale.ROOT, "test errors: %s; accepted at the %s threshold: %s%s%n", ErrorKind.describe(m.errors()),
                percent(targetAccuracy), ErrorKind.describe(report.acceptedErrors()), report.annotationGapsClause());
        java.util.Set<String> keys = new java.util.LinkedHashSet<>();
        keys.add(TargetAccuracy.keyOf(targetAccuracy));
        keys.add(TargetAccuracy.PAPER.key());
        String chosenOn = report.calibration().chosenOn();
        for (String key : keys) {
            OperatingPoint onTest = report.calibration().onTest().get(key);
            // The intervals are the acceptance threshold's, the first key.
            boolean acceptance = sure != null && key.equals(TargetAccuracy.keyOf(targetAccuracy));
            stdout.printf(Locale.ROOT, "coverage at %s accuracy: %s%s of test at threshold %s chosen on %s (test accuracy there %s%s);"
                            + " best achievable on test %s%n",
                    percent(Double.parseDouble(key)), percent(onTest.coverage()),
                    interval(acceptance ? sure.coverage() : null, true),
                    ReportWriter.formatThreshold(report.calibration().thresholds().get(key)), chosenOn,
                    percent(onTest.accuracy()), interval(acceptance ? sure.accuracy() : null, true),
                    percent(report.test().bestCoverage().get(key).coverage()));
        }
        if (sure != null) {
            stdout.printf(Locale.ROOT, "in brackets: %.0f%% intervals over %d draws of the test photos with replacement (the"
                    + " threshold held fixed)%n", 100 * sure.level(), sure.resamples());
        }
        CalibrationIntervals again = report.calibrationIntervals();
        if (again != null) {
            stdout.printf(Locale.ROOT, "with the threshold chosen again on each of %d draws of validation (test drawn too): %s%n",
                    again.resamples(), again.answeredNothing() ? "nothing answered in any draw"
                            : String.format(Locale.ROOT, "coverage%s, accuracy there%s, below %s in %.1f%% of draws",
                                    interval(again.coverage(), true), interval(again.accuracy(), true),
                                    percent(again.targetAccuracy()), 100 * again.shareBelowTarget()));
        }
        if (report.test().meanBoxIou() != null) {
            stdout.printf(Locale.ROOT, "boxes found without a box given: mean IoU %.3f against the true union boxes of test%s%n",
                    report.test().meanBoxIou(), report.validation() != null && report.validation().meanBoxIou() != null
                            ? String.format(Locale.ROOT, " (validation %.3f)", report.validation().meanBoxIou()) : "");
        }
    }

    /** " [81.2%, 86.8%]" (or " [0.0130, 0.0261]"), nothing when there is no interval to give. */
    private static String interval(Bootstrap.Interval range, boolean percentages) {
        return range == null ? "" : range.bracketed(percentages ? v -> String.format(Locale.ROOT, "%.1f%%", 100 * v)
                : v -> String.format(Locale.ROOT, "%.4f", v));
    }

    /**
     * What the bundle's stored threshold for the target does to test on the path this evaluation read,
     * judged by the service's own rule ({@link AcceptanceThreshold#forSource} of where the answers' regions
     * came from: a caller's box; or no box, with --no-box and --boxes-as-found, where a bundle without a
     * no-box threshold answers at its with-box one): the service's operating point on these photos, which
     * thresholds chosen again on --val need not be (a cut set has no threshold of its own to choose).
     */
    private void printStored(CoverageReport report, Thresholds stored, PrintWriter stdout) {
        TargetAccuracy target = new TargetAccuracy(targetAccuracy);
        List<Prediction> read = report.testPredictions();
        if (stored == null || stored.at(target).isEmpty() || read.isEmpty()) {
            return;
        }
        // One evaluation reads every photo on one path, so the first answer's source names it.
        BoxSource source = read.get(0).boxSource();
        double t = stored.acceptance(target, report.modelId()).forSource(source);
        OperatingPoint p = new EvaluatedSet("test", read).principledCurve().atThreshold(t);
        boolean callersBox = AcceptanceThreshold.isCallersBox(source);
        // A bundle calibrated before the no-box thresholds judges answers read without a box by its with-box one.
        String path = callersBox ? "a caller's box" : stored.atNoBox(target).isPresent() ? "photos without a box"
                : "photos without a box (the caller's-box one: the bundle has no no-box threshold)";
        stdout.printf(Locale.ROOT, "at the bundle's stored %s threshold for %s (%s): %s of test answered (%d of %d), accuracy"
                        + " there %s%n", percent(targetAccuracy), path,
                ReportWriter.formatThreshold(t), percent(p.coverage()), p.accepted(), p.total(), percent(p.accuracy()));
    }

    /** Exact for the usual targets: 0.98 -> "98%", 0.985 -> "98.5%"; accuracies to two decimals. */
    private static String percent(double fraction) {
        if (Double.isNaN(fraction)) {
            return "n/a";
        }
        String exact = java.math.BigDecimal.valueOf(fraction).movePointRight(2).stripTrailingZeros().toPlainString();
        return (exact.length() <= 5 ? exact : String.format(Locale.ROOT, "%.2f", 100 * fraction)) + "%";
    }

    private AnnotatedDataset load(Path folder) {
        AnnotatedDataset set = AnnotatedDataset.load(folder, skipBadRows);
        if (set.skippedRows() > 0) {
            spec.commandLine().getErr().printf(Locale.ROOT, "warning: skipped %d malformed rows in %s%n", set.skippedRows(), folder);
        }
        return set;
    }

    /**
     * Stores the calibrated thresholds where the engine reads them (the one writer,
     * {@link Engine#withThresholds}) and says what happened.
     */
    private void storeThresholds(ModelBundle bundle, CoverageReport report, PrintWriter stdout, PrintWriter stderr) {
        if (!report.calibratedOnValidation()) {
            stderr.println("warning: thresholds chosen on the test set (no --val): the service will be less"
                    + " accurate than the report says");
        }
        for (TargetAccuracy target : report.unreachableTargets()) {
            // Whatever was there is kept: no threshold reaches this accuracy on this data.
            stderr.printf(Locale.ROOT, "warning: no threshold reaches %s accuracy on the %s set; not stored%n",
                    target, report.calibration().chosenOn());
        }
        Thresholds calibrated = report.calibratedThresholds();
        ModelBundle updated = engine.withThresholds(bundle, calibrated);
        updated.save(model);
        Map<String, Double> held = engine.thresholds(updated).byKey();
        // The merge keeps what this run did not calibrate (the other path's, an unreachable target's): say
        // so, or a threshold kept from an earlier run reads as one this validation set just chose.
        List<String> kept = held.keySet().stream().filter(key -> !calibrated.byKey().containsKey(key)).toList();
        stdout.println("thresholds stored in " + model + (engine == Engine.DL4J ? "" : " for the " + engine + " engine")
                + ": " + held + (kept.isEmpty() ? "" : "; kept from before, not calibrated by this run: "
                + String.join(", ", kept)));
    }
}
