package dev.streetnum.data;

import java.nio.file.Path;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

/**
 * Minibatches for the six-head network. Features [mb,3,54,54]; labels in head order: length one-hot
 * [mb,7] (">5" last), digit1..digit5 one-hot [mb,10]; label masks [mb,1] per head, 0 for digit heads
 * past the number's length (they get no gradient). Decoding and augmentation run on background
 * threads with prefetch. TODO(issue 3): implement.
 */
public final class StreetNumberIterator implements MultiDataSetIterator {

    /**
     * @param batchSize minibatch size
     * @param augment   random 54x54 crops (training); false takes centre crops (evaluation)
     * @param shuffle   reshuffle every epoch, deterministically from seed and epoch
     * @param seed      the run's data seed (shuffling and crop offsets)
     * @param workers   decoding threads
     * @param cache     optional file of preprocessed 64x64 uint8 crops, built on first use; null for none
     */
    public record Options(int batchSize, boolean augment, boolean shuffle, long seed, int workers, Path cache) {
    }

    public StreetNumberIterator(AnnotatedDataset data, CropExpander expander, Options options) {
        throw new UnsupportedOperationException("issue 3");
    }

    /** Sets the epoch whose shuffle and augmentation the next pass uses (resume picks up mid-run). */
    public void setEpoch(int epoch) {
        throw new UnsupportedOperationException("issue 3");
    }

    @Override
    public org.nd4j.linalg.dataset.api.MultiDataSet next(int num) {
        throw new UnsupportedOperationException("issue 3");
    }

    @Override
    public void setPreProcessor(MultiDataSetPreProcessor preProcessor) {
        throw new UnsupportedOperationException("issue 3");
    }

    @Override
    public MultiDataSetPreProcessor getPreProcessor() {
        return null;
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        return false;
    }

    @Override
    public void reset() {
        throw new UnsupportedOperationException("issue 3");
    }

    @Override
    public boolean hasNext() {
        throw new UnsupportedOperationException("issue 3");
    }

    @Override
    public org.nd4j.linalg.dataset.api.MultiDataSet next() {
        throw new UnsupportedOperationException("issue 3");
    }
}
