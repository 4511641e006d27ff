package dev.streetnum.eval;

/**
 * The evaluator's cheap verdict during training: no files, no pictures.
 *
 * @param examples         images scored
 * @param sequenceAccuracy whole number right, length included, at full coverage
 * @param targetAccuracy   the accuracy coverage is measured at
 * @param coverage         best coverage at {@code targetAccuracy} on these images (threshold chosen on them)
 * @param threshold        that coverage's P(S|x) threshold; +infinity when no threshold reaches the target
 * @param riskCoverageArea the area under the risk-coverage curve ({@link CoverageCurve#riskCoverageArea})
 */
public record ValidationScore(int examples, double sequenceAccuracy, double targetAccuracy, double coverage,
                              double threshold, double riskCoverageArea) {
}
