package dev.streetnum.serve;

import dev.streetnum.model.BundleMetadata;
import java.util.Map;
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
        return resolve(metadata.modelId(), metadata.thresholds(), threshold, targetAccuracy);
    }

    /**
     * The same for an inference engine's own thresholds (an int8 model's are calibrated on its outputs).
     *
     * @param calibrated the model's thresholds by target accuracy
     */
    public static double resolve(String modelId, Map<String, Double> calibrated, Double threshold,
                                 Double targetAccuracy) {
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
        calibrated = calibrated == null ? Map.of() : calibrated;
        for (Map.Entry<String, Double> e : calibrated.entrySet()) {
            try {
                if (Math.abs(Double.parseDouble(e.getKey()) - target) < 1e-9) { // keys written elsewhere may round differently: compare numerically
                    return e.getValue();
                }
            } catch (NumberFormatException ignored) {
                // not an accuracy key; the error below lists what there is
            }
        }
        throw new IllegalArgumentException("model " + modelId + " has no threshold calibrated for "
                + target + " accuracy (it has " + (calibrated.isEmpty() ? "none" : new TreeMap<>(calibrated))
                + "): run the evaluator to calibrate one, or give --threshold");
    }
}
