package dev.streetnum.eval;

import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.model.BundleMetadata;
import dev.streetnum.model.ModelBundle;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code streetnum evaluate}: a model bundle on a test set, into a report folder. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Measures a model: accuracy, coverage at a target accuracy (thresholds chosen on --val,"
                + " applied to --data), principled against ad-hoc confidence, worst errors; writes report.json,"
                + " predictions.csv, pictures and index.html to --out."})
public final class EvaluateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "BUNDLE", description = "The model bundle.")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "DIR",
            description = "The test set: a folder with labels.csv (e.g. data/test).")
    Path data;

    @Option(names = "--val", paramLabel = "DIR",
            description = "Validation set to choose thresholds on; without it they are chosen on test (optimistic).")
    Path validation;

    @Option(names = "--train", paramLabel = "DIR", description = "Training set, for the train-test gap.")
    Path train;

    @Option(names = "--target-accuracy", paramLabel = "A", defaultValue = "0.98",
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

    @Option(names = "--skip-bad-rows", description = "Skip malformed CSV rows (counted) instead of stopping.")
    boolean skipBadRows;

    @Override
    public Integer call() {
        EvaluationConfig config = new EvaluationConfig(targetAccuracy, batchSize,
                limit == null ? EvaluationConfig.NO_LIMIT : limit, true);
        ModelBundle bundle = ModelBundle.load(model);
        AnnotatedDataset testSet = load(data);
        AnnotatedDataset validationSet = validation == null ? null : load(validation);
        AnnotatedDataset trainSet = train == null ? null : load(train);

        CoverageReport report = new Evaluator(config).evaluate(bundle, testSet, validationSet, trainSet);
        new ReportWriter(Evaluator.seenFraction(bundle.metadata().preprocess())).write(report, out);

        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        SequenceMetrics m = report.test().metrics();
        String key = CoverageReport.accuracyKey(targetAccuracy);
        OperatingPoint atTarget = report.calibration().onTest().get(key);
        stdout.printf("test: %d images, sequence accuracy %.2f%%, per-digit %.2f%%, length %.2f%%%n",
                m.examples(), 100 * m.sequenceAccuracy(), 100 * m.digitAccuracy(), 100 * m.lengthAccuracy());
        stdout.printf("coverage at %s%% accuracy: %.2f%% at threshold %s chosen on %s (test accuracy there %s);"
                        + " best achievable on test %.2f%%%n",
                java.math.BigDecimal.valueOf(targetAccuracy).movePointRight(2).stripTrailingZeros().toPlainString(), 100 * atTarget.coverage(),
                ReportWriter.formatThreshold(atTarget.threshold()), report.calibration().chosenOn(),
                Double.isNaN(atTarget.accuracy()) ? "n/a" : String.format("%.2f%%", 100 * atTarget.accuracy()),
                100 * report.test().bestCoverage().get(key).coverage());
        if (report.fit() != null) {
            stdout.println(report.fit().sentence());
        }
        stdout.println("report: " + out.resolve(ReportWriter.INDEX_HTML));
        if (writeThreshold) {
            storeThresholds(bundle, report, stdout, stderr);
        }
        return 0;
    }

    private AnnotatedDataset load(Path folder) {
        AnnotatedDataset set = AnnotatedDataset.load(folder, skipBadRows);
        if (set.skippedRows() > 0) {
            spec.commandLine().getErr().printf("warning: skipped %d malformed rows in %s%n", set.skippedRows(), folder);
        }
        return set;
    }

    /** Adds the calibrated thresholds to the bundle's metadata and saves it in place (atomically). */
    private void storeThresholds(ModelBundle bundle, CoverageReport report, PrintWriter stdout, PrintWriter stderr) {
        CoverageReport.Calibration calibration = report.calibration();
        if (!calibration.chosenOn().equals("validation")) {
            stderr.println("warning: thresholds chosen on the test set (no --val): the service will be less"
                    + " accurate than the report says");
        }
        BundleMetadata old = bundle.metadata();
        Map<String, Double> thresholds = new TreeMap<>(old.thresholds() == null ? Map.of() : old.thresholds());
        calibration.thresholds().forEach((accuracy, t) -> {
            if (Double.isFinite(t)) {
                thresholds.put(accuracy, t);
            } else {
                // Keep whatever was there: no threshold reaches this accuracy on this data.
                stderr.printf("warning: no threshold reaches %s accuracy on the %s set; not stored%n",
                        accuracy, calibration.chosenOn());
            }
        });
        Map<String, Object> provenance = new LinkedHashMap<>(old.provenance() == null ? Map.of() : old.provenance());
        provenance.put("thresholdsCalibratedOn", report.validation() != null ? report.validation().identity()
                : report.test().identity());
        BundleMetadata updated = new BundleMetadata(old.formatVersion(), old.modelId(), old.preset(),
                old.preprocess(), old.normalisation(), thresholds, provenance, old.metrics(), old.softwareVersion());
        new ModelBundle(bundle.network(), updated).save(model);
        stdout.println("thresholds stored in " + model + ": " + thresholds);
    }
}
