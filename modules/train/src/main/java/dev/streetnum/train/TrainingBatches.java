package dev.streetnum.train;

import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

/** The training minibatches, replayable epoch by epoch: what makes a resumed run see the same data. */
public interface TrainingBatches {

    /** An iterator over epoch {@code epoch}'s minibatches, from its first; its order and crops depend only on the run's data seed and the epoch. */
    MultiDataSetIterator epoch(int epoch);

    /** Minibatches in one epoch. */
    long batchesPerEpoch();

    /** Images in one epoch. */
    long images();
}
