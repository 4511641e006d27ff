package dev.streetnum.model;

import dev.streetnum.data.PreprocessConfig;
import java.util.Map;

/**
 * What travels with the weights (DESIGN section 5): how the model was made and how to feed it.
 * TODO(issue 4): the model issue owns this record's final shape; keep these components.
 *
 * @param formatVersion   bundle format; loading a different one either works or says why not
 * @param modelId         a stable id for answers and metrics, e.g. "cpu-20261129-1f3a"
 * @param preset          network preset name
 * @param preprocess      crop expansion, resize and crop sizes
 * @param normalisation   how pixels were normalised (named, so serve and eval do the same)
 * @param thresholds      calibrated P(S|x) thresholds by target accuracy, e.g. "0.98" -> 0.73
 * @param provenance      data identity, seed, config, command line, git commit, time
 * @param metrics         training/validation metrics
 * @param softwareVersion streetnum version that wrote the bundle
 */
public record BundleMetadata(
        int formatVersion,
        String modelId,
        String preset,
        PreprocessConfig preprocess,
        String normalisation,
        Map<String, Double> thresholds,
        Map<String, Object> provenance,
        Map<String, Double> metrics,
        String softwareVersion) {
}
