package dev.streetnum.eval;

/**
 * The evaluator's cheap verdict during training: no files, no pictures.
 *
 * @param examples         images scored
 * @param sequenceAccuracy whole number right, length included, at full coverage
 * @param coverageAt98     best coverage at 98% accuracy on these images (threshold chosen on them)
 * @param thresholdAt98    that coverage's P(S|x) threshold; +infinity when no threshold reaches 98%
 */
public record ValidationScore(int examples, double sequenceAccuracy, double coverageAt98, double thresholdAt98) {
}
