package dev.streetnum.train;

import dev.streetnum.eval.Evaluator;
import dev.streetnum.model.TargetAccuracy;
import dev.streetnum.eval.ValidationScore;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A validation point's score of the network on the first images of a centre-crop iterator, measured by
 * the evaluator ({@link Evaluator#validate}) so that training selects on the same figures
 * {@code streetnum evaluate} reports. The trainer keeps its own record so checkpoints and metrics.csv do
 * not depend on the evaluator's field names.
 *
 * @param examples  images scored
 * @param accuracy  fraction whose whole transcription (length included) is right; refusals count wrong
 * @param coverage  largest fraction of images answerable at {@link TargetAccuracy#PAPER_ACCURACY}
 * @param threshold the P(S|x) threshold giving that coverage (+infinity when none)
 * @param riskCoverageArea the area under the risk-coverage curve (DESIGN section 6), lower is better; null in
 *                  a checkpoint written before it was measured
 */
public record SequenceScore(int examples, double accuracy, double coverage, double threshold,
                            Double riskCoverageArea) {

    /** Scores exactly the first {@code maxExamples} images of {@code centreCrops} (reset first), or all when fewer. */
    static SequenceScore measure(ComputationGraph net, MultiDataSetIterator centreCrops, int maxExamples) {
        List<MultiDataSet> batches = new ArrayList<>();
        int n = 0;
        centreCrops.reset();
        while (n < maxExamples && centreCrops.hasNext()) {
            MultiDataSet batch = centreCrops.next();
            long rows = batch.getFeatures(0).size(0);
            if (n + rows > maxExamples) {
                batch = firstRows(batch, maxExamples - n);
                rows = maxExamples - n;
            }
            batches.add(batch);
            n += (int) rows;
        }
        if (n == 0) {
            throw new IllegalArgumentException("cannot score a network on an empty data set");
        }
        ValidationScore v = Evaluator.validate(net, batches.iterator());
        return new SequenceScore(v.examples(), v.sequenceAccuracy(), v.coverage(), v.threshold(), v.riskCoverageArea());
    }

    /**
     * Whether this is a better model than {@code other}: the smaller risk-coverage area, then more coverage,
     * then more accuracy. The area ranks first because on a validation sample of a few hundred images
     * coverage at 98% jumps with wherever the last confident errors fall, and the area does not (DESIGN
     * section 6). When either score lacks the area (a checkpoint from before), coverage decides.
     */
    boolean betterThan(SequenceScore other) {
        if (other == null) {
            return true;
        }
        if (riskCoverageArea != null && other.riskCoverageArea != null) {
            int byArea = Double.compare(riskCoverageArea, other.riskCoverageArea);
            if (byArea != 0) {
                return byArea < 0;
            }
        }
        return coverage > other.coverage || (coverage == other.coverage && accuracy > other.accuracy);
    }

    private static MultiDataSet firstRows(MultiDataSet batch, int rows) {
        return new org.nd4j.linalg.dataset.MultiDataSet(slice(batch.getFeatures(), rows), slice(batch.getLabels(), rows),
                slice(batch.getFeaturesMaskArrays(), rows), slice(batch.getLabelsMaskArrays(), rows));
    }

    private static INDArray[] slice(INDArray[] arrays, int rows) {
        if (arrays == null) {
            return null;
        }
        INDArray[] out = new INDArray[arrays.length];
        for (int i = 0; i < arrays.length; i++) {
            out[i] = arrays[i] == null ? null : arrays[i].get(NDArrayIndex.interval(0, rows)).dup();
        }
        return out;
    }
}
