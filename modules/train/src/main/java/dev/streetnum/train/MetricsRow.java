package dev.streetnum.train;

import dev.streetnum.eval.FitDiagnosis;
import dev.streetnum.model.TargetAccuracy;

/**
 * One validation point of a run: a row of {@code metrics.csv}.
 *
 * @param iteration       minibatches trained so far
 * @param epoch           the epoch the run was in
 * @param learningRate    the rate of the last iteration
 * @param trainLoss       mean minibatch loss, -log P(S|x), since the previous row
 * @param train           training images scored with centre crops, as validation is
 * @param val             validation images, the same number
 * @param imagesPerSecond training throughput since the previous row
 * @param elapsedSeconds  training time so far, across resumes
 * @param rawVal          when the run averages its weights ({@link ExponentialWeightAverage}), {@code train} and
 *                        {@code val} score the average and this the raw weights on the same validation images;
 *                        null otherwise
 */
public record MetricsRow(long iteration, int epoch, double learningRate, double trainLoss,
                         SequenceScore train, SequenceScore val, double imagesPerSecond, double elapsedSeconds,
                         SequenceScore rawVal)
        implements ValidationPoint<MetricsRow> {

    /** A row of a run that does not average its weights. */
    public MetricsRow(long iteration, int epoch, double learningRate, double trainLoss, SequenceScore train,
                      SequenceScore val, double imagesPerSecond, double elapsedSeconds) {
        this(iteration, epoch, learningRate, trainLoss, train, val, imagesPerSecond, elapsedSeconds, null);
    }

    /** This row (the averaged weights' scores) with {@code raw}'s validation score as the raw weights'. */
    MetricsRow withRawWeights(MetricsRow raw) {
        return new MetricsRow(iteration, epoch, learningRate, trainLoss, train, val, imagesPerSecond, elapsedSeconds,
                raw.val);
    }

    /** A better model than {@code other}'s by validation ({@link SequenceScore#betterThan}). */
    @Override
    public boolean betterThan(MetricsRow other) {
        return other == null || val.betterThan(other.val);
    }

    /** The evaluator's verdict ({@link FitDiagnosis}), validation standing in for test. */
    public FitDiagnosis diagnosis() {
        return FitDiagnosis.of(train.accuracy(), val.accuracy(), "validation", TargetAccuracy.PAPER_ACCURACY);
    }
}
