package dev.streetnum.train;

import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

/**
 * The training minibatches, epoch by epoch. A run that checkpoints (the transcriber's) needs them
 * replayable, so that a resumed run sees the same data; one that does not (the localizer's random
 * views) may draw on from one generator.
 */
public interface TrainingBatches {

    /**
     * An iterator over epoch {@code epoch}'s minibatches, from its first; for a replayable run its order and
     * crops depend only on the run's data seed and the epoch.
     */
    MultiDataSetIterator epoch(int epoch);

    /** Minibatches in one epoch. */
    long batchesPerEpoch();

    /** Images in one epoch. */
    long images();
}
