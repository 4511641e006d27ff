package dev.streetnum.train;

import java.util.List;

/**
 * Where a run of {@link TrainingLoop} stands; the transcriber's is saved in the {@code last} checkpoint beside
 * the network and its optimiser state. Checkpoints are taken right after a validation, so no running average
 * is lost between them.
 *
 * @param iteration           minibatches trained
 * @param epoch               the current epoch (its shuffle and crops come from the data seed and it)
 * @param batchInEpoch        minibatches of this epoch already trained: the data position
 * @param trainingMillis      training time so far, across resumes (the time budget counts this)
 * @param best                the best validation row so far (null before the first)
 * @param validationsSinceBest validations without improvement (early stopping)
 * @param history             every validation row, oldest first
 * @param <R>                 a validation row ({@link MetricsRow} for the transcriber)
 */
public record TrainerState<R>(long iteration, int epoch, long batchInEpoch, long trainingMillis, R best,
                              int validationsSinceBest, List<R> history) {

    public TrainerState {
        history = List.copyOf(history);
    }

    static <R> TrainerState<R> start() {
        return new TrainerState<>(0, 0, 0, 0, null, 0, List.of());
    }
}
