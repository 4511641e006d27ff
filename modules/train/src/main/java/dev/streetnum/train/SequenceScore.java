package dev.streetnum.train;

import dev.streetnum.data.SequenceLabels;
import dev.streetnum.model.SequenceDecoder;
import dev.streetnum.model.Transcription;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

/**
 * Whole-sequence accuracy and coverage at the target accuracy (DESIGN section 6) of a network on the
 * first images of a centre-crop iterator. The trainer's own cheap scorer for model selection; the
 * evaluator module owns the reported figures.
 *
 * @param examples  images scored
 * @param accuracy  fraction whose whole transcription (length included) is right; refusals count wrong
 * @param coverage  largest fraction of images answerable at {@link #TARGET_ACCURACY}
 * @param threshold the P(S|x) threshold giving that coverage (+infinity when none)
 */
public record SequenceScore(int examples, double accuracy, double coverage, double threshold) {

    /** The operating point the paper reports and the model is selected on. */
    static final double TARGET_ACCURACY = 0.98;

    /** Scores up to {@code maxExamples} images of {@code centreCrops} (reset first). */
    static SequenceScore measure(ComputationGraph net, MultiDataSetIterator centreCrops, int maxExamples) {
        double[] confidence = new double[maxExamples];
        boolean[] correct = new boolean[maxExamples];
        int n = 0;
        centreCrops.reset();
        while (n < maxExamples && centreCrops.hasNext()) {
            MultiDataSet batch = centreCrops.next();
            List<Transcription> answers = SequenceDecoder.decode(net.output(false, batch.getFeatures()));
            for (int row = 0; row < answers.size() && n < maxExamples; row++, n++) {
                Transcription t = answers.get(row);
                String truth = truth(batch.getLabels(), row);
                confidence[n] = t.transcribable() ? t.confidence() : Double.NEGATIVE_INFINITY;
                correct[n] = t.transcribable() && t.candidate().equals(truth);
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException("cannot score a network on an empty data set");
        }
        return of(Arrays.copyOf(confidence, n), Arrays.copyOf(correct, n));
    }

    /**
     * Accuracy and coverage from per-image confidences (negative infinity: refused, never accepted) and
     * correctness. Images tied at the cut-off confidence are accepted or refused together.
     */
    static SequenceScore of(double[] confidence, boolean[] correct) {
        int n = confidence.length;
        Integer[] order = new Integer[n];
        int right = 0;
        for (int i = 0; i < n; i++) {
            order[i] = i;
            right += correct[i] ? 1 : 0;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> confidence[i]).reversed());
        int bestAccepted = 0;
        double threshold = Double.POSITIVE_INFINITY;
        int accepted = 0;
        int acceptedRight = 0;
        for (int k = 0; k < n; ) {
            double c = confidence[order[k]];
            if (c == Double.NEGATIVE_INFINITY) {
                break;
            }
            while (k < n && confidence[order[k]] == c) {
                acceptedRight += correct[order[k]] ? 1 : 0;
                accepted++;
                k++;
            }
            if (acceptedRight >= TARGET_ACCURACY * accepted) {
                bestAccepted = accepted;
                threshold = c;
            }
        }
        return new SequenceScore(n, (double) right / n, (double) bestAccepted / n, threshold);
    }

    /** Whether this is a better model than {@code other}: more coverage, then more accuracy. */
    boolean betterThan(SequenceScore other) {
        return other == null || coverage > other.coverage
                || (coverage == other.coverage && accuracy > other.accuracy);
    }

    /** The labelled number of one row of a minibatch; null when longer than the heads can say. */
    static String truth(INDArray[] labels, int row) {
        int length = labels[0].getRow(row).argMax().getInt(0);
        if (length == SequenceLabels.OVERFLOW_CLASS) {
            return null;
        }
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append((char) ('0' + labels[1 + i].getRow(row).argMax().getInt(0)));
        }
        return s.toString();
    }
}
