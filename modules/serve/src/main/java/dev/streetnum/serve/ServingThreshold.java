package dev.streetnum.serve;

import dev.streetnum.model.BundleMetadata;
import java.util.TreeMap;

/** Picks the P(S|x) threshold the service refuses below: given outright, or calibrated in the bundle. */
public final class ServingThreshold {

    private ServingThreshold() {
    }

    /**
     * @param threshold      an explicit threshold, or null
     * @param targetAccuracy the accuracy whose calibrated threshold to use, or null for
     *                       {@link BundleMetadata#TARGET_ACCURACY}
     * @throws IllegalArgumentException when both are given, or the bundle has no threshold for the target
     */
    public static double resolve(BundleMetadata metadata, Double threshold, Double targetAccuracy) {
        if (threshold != null && targetAccuracy != null) {
            throw new IllegalArgumentException("give --threshold or --target-accuracy, not both");
        }
        if (threshold != null) {
            if (!(threshold >= 0 && threshold <= 1)) {
                throw new IllegalArgumentException("--threshold is a probability in [0, 1], got " + threshold);
            }
            return threshold;
        }
        double target = targetAccuracy == null ? BundleMetadata.TARGET_ACCURACY : targetAccuracy;
        return metadata.threshold(target).orElseThrow(() -> new IllegalArgumentException("model "
                + metadata.modelId() + " has no threshold calibrated for " + target + " accuracy (it has "
                + (metadata.thresholds().isEmpty() ? "none" : new TreeMap<>(metadata.thresholds()))
                + "): run the evaluator to calibrate one, or give --threshold"));
    }
}
