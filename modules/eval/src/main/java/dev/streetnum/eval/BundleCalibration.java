package dev.streetnum.eval;

import dev.streetnum.model.BundleMetadata;
import dev.streetnum.model.ModelBundle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A report's calibrated thresholds written into the model bundle they were measured on, so the
 * service refuses at them (DESIGN sections 5 and 6).
 *
 * @param thresholds   every threshold the bundle now holds, by accuracy key
 * @param unreachable  target accuracies no threshold reaches on the calibration set: left as they were
 * @param chosenOnTest true when no validation set was given, so the thresholds were chosen on test
 *                     and the service will be less accurate than the report says
 */
public record BundleCalibration(Map<String, Double> thresholds, List<Double> unreachable, boolean chosenOnTest) {

    /** Adds the calibrated thresholds to {@code bundle}'s metadata and saves it to {@code file} (atomically). */
    public static BundleCalibration store(ModelBundle bundle, CoverageReport report, Path file) {
        CoverageReport.Calibration calibration = report.calibration();
        BundleMetadata updated = bundle.metadata();
        List<Double> unreachable = new ArrayList<>();
        for (double target : report.targets()) {
            double threshold = calibration.thresholds().get(BundleMetadata.accuracyKey(target));
            if (Double.isFinite(threshold)) {
                updated = updated.withThreshold(target, threshold);
            } else {
                unreachable.add(target);
            }
        }
        updated = updated.withProvenance(Map.of("thresholdsCalibratedOn", report.validation() != null
                ? report.validation().identity() : report.test().identity()));
        bundle.withMetadata(updated).save(file);
        return new BundleCalibration(new TreeMap<>(updated.thresholds()), List.copyOf(unreachable),
                !calibration.chosenOn().equals("validation"));
    }
}
