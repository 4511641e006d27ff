package dev.streetnum.train;

import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.Augmentation;
import dev.streetnum.data.CropExpander;
import dev.streetnum.data.HeldOutPhotos;
import dev.streetnum.data.SequenceLabels;
import dev.streetnum.data.StreetNumberIterator;
import dev.streetnum.model.SequenceDecoder;
import dev.streetnum.model.SequenceLikelihood;
import dev.streetnum.model.Transcription;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The rows {@link Consistency} adds to each labelled minibatch: the strong views of a batch of photos without
 * labels, each labelled with the network's own accepted reading of the weak view of the same photo, or masked
 * out of every head when that reading is not accepted. The photos' order and views are those of
 * {@link StreetNumberIterator} with their own seed, and the batch an iteration draws is a function of the
 * iteration alone, so a resumed run draws what an uninterrupted one would have.
 */
final class ConsistencyRows implements TrainingLoop.BatchRows, AutoCloseable {

    private final Consistency config;
    /** Each batch's weak views as its first input, the strong views of the same photos as its second. */
    private final StreetNumberIterator views;
    private final long batchesPerEpoch;
    private int epoch = -1;
    private long nextBatch;
    private long offered;
    private long accepted;

    /**
     * @param photos the photos {@code config} names, loaded
     * @param seed   the data seed of these photos' shuffle and views (not the labelled data's)
     */
    ConsistencyRows(Consistency config, AnnotatedDataset photos, CropExpander expander, long seed, int workers) {
        this.config = config;
        // Both views share the order and the crop offsets; the strong view adds its jitter. Each photo is decoded once.
        this.views = new StreetNumberIterator(photos, expander, new StreetNumberIterator.Options(config.batchSize(),
                true, true, seed, workers, null, Augmentation.NONE, config.strong()));
        this.batchesPerEpoch = views.batchesPerEpoch();
    }

    /**
     * The photos {@code config} names, refused when any is one of the run's held-out photos (by content: a copy is
     * the photo): a network selected or scored on photos it trained on, even without their labels, would be judged
     * on what it had seen.
     */
    static AnnotatedDataset photos(Consistency config, HeldOutPhotos heldOut) {
        AnnotatedDataset photos = AnnotatedDataset.load(config.photos(), false);
        heldOut.requireNoneIn(photos, config.photos(), "the consistency photos");
        return photos;
    }

    @Override
    public MultiDataSet appendTo(MultiDataSet labelled, ComputationGraph net, long iteration) {
        int wantedEpoch = Math.toIntExact(iteration / batchesPerEpoch);
        long wantedBatch = iteration % batchesPerEpoch;
        if (wantedEpoch != epoch || wantedBatch != nextBatch) {
            moveTo(wantedEpoch, wantedBatch);
        }
        MultiDataSet drawn = views.next();
        nextBatch++;
        INDArray weakViews = drawn.getFeatures(0);
        INDArray[] heads = net.output(false, weakViews);
        SequenceLabels.Rows targets = targets(SequenceDecoder.decode(heads), config.threshold());
        offered += weakViews.size(0);
        accepted += targets.labelledRows();
        return join(labelled, drawn.getFeatures(1), targets);
    }

    /**
     * Each reading's row: the number it reads where it {@linkplain PseudoLabeller#becomesLabel becomes a label}
     * at {@code threshold}, else a row that teaches nothing.
     */
    static SequenceLabels.Rows targets(List<Transcription> readings, double threshold) {
        SequenceLabels.Rows rows = new SequenceLabels.Rows(readings.size());
        for (int i = 0; i < readings.size(); i++) {
            Transcription reading = readings.get(i);
            if (PseudoLabeller.becomesLabel(reading, reading.acceptedAt(threshold))) {
                rows.put(i, SequenceLikelihood.digits(reading.candidate()));
            }
        }
        return rows;
    }

    /** The labelled batch with the strong views and their targets below its rows. */
    static MultiDataSet join(MultiDataSet labelled, INDArray strongFeatures, SequenceLabels.Rows targets) {
        DataType type = labelled.getLabels(0).dataType();
        INDArray[] labels = targets.labels(type);
        INDArray[] masks = targets.masks(type);
        INDArray[] joinedLabels = new INDArray[labels.length];
        INDArray[] joinedMasks = new INDArray[labels.length];
        for (int h = 0; h < labels.length; h++) {
            joinedLabels[h] = Nd4j.concat(0, labelled.getLabels(h), labels[h]);
            // StreetNumberIterator gives every head a mask.
            joinedMasks[h] = Nd4j.concat(0, labelled.getLabelsMaskArray(h), masks[h]);
        }
        INDArray features = Nd4j.concat(0, labelled.getFeatures(0), strongFeatures.castTo(labelled.getFeatures(0).dataType()));
        return new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {features}, joinedLabels, null, joinedMasks);
    }

    /** The share of photos whose weak reading became a label since the last call (NaN when none were read). */
    double acceptedShareSinceAsked() {
        double share = offered == 0 ? Double.NaN : (double) accepted / offered;
        offered = 0;
        accepted = 0;
        return share;
    }

    private void moveTo(int wantedEpoch, long wantedBatch) {
        views.setEpoch(wantedEpoch);
        for (long b = 0; b < wantedBatch; b++) {
            views.next();
        }
        epoch = wantedEpoch;
        nextBatch = wantedBatch;
    }

    @Override
    public void close() {
        views.close();
    }
}
