package dev.streetnum.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.streetnum.data.SequenceLabels;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/** The loss DL4J reports is the mean over the minibatch of -log P(S|x) (DESIGN section 4). */
class SequenceLossTest {

    /** Mixed lengths: the 0-digit edge case, short, 5 digits, and ">5" (first five digits still count). */
    static final List<String> NUMBERS = List.of("", "7", "42", "1849", "90210", "1234567");

    @Test
    void reportedScoreIsMeanNegativeLogLikelihood() {
        ComputationGraph net = StreetNumberNetwork.build(Preset.TINY, NetworkOptions.seeded(3).unregularised());
        Nd4j.getRandom().setSeed(11);
        INDArray features = Nd4j.rand(DataType.FLOAT, NUMBERS.size(), 3, 54, 54).subi(0.5);
        MultiDataSet batch = SequenceBatch.of(features, NUMBERS);

        double reported = net.score(batch, false);

        INDArray[] outputs = net.output(false, features);
        double sum = 0;
        for (int e = 0; e < NUMBERS.size(); e++) {
            double[][] heads = new double[SequenceLabels.HEADS][];
            for (int h = 0; h < heads.length; h++) {
                heads[h] = outputs[h].getRow(e).toDoubleVector();
            }
            sum += -SequenceLikelihood.logProbability(heads, NUMBERS.get(e));
        }
        double expected = sum / NUMBERS.size();
        assertEquals(expected, reported, 1e-5 * Math.abs(expected));
    }

    @Test
    void maskedDigitHeadsDoNotChangeTheScore() {
        // Scrambling the labels of masked heads must leave the score alone: they carry no loss.
        ComputationGraph net = StreetNumberNetwork.build(Preset.TINY, NetworkOptions.seeded(4).unregularised());
        INDArray features = Nd4j.rand(DataType.FLOAT, NUMBERS.size(), 3, 54, 54);
        MultiDataSet batch = SequenceBatch.of(features, NUMBERS);
        double before = net.score(batch, false);
        for (int h = 1; h < SequenceLabels.HEADS; h++) {
            INDArray mask = batch.getLabelsMaskArray(h);
            for (int e = 0; e < NUMBERS.size(); e++) {
                if (mask.getDouble(e, 0) == 0) {
                    batch.getLabels(h).putScalar(e, 3, 1.0);
                }
            }
        }
        assertEquals(before, net.score(batch, false), 1e-7 * before);
    }

    @Test
    void theEncodedLabelsAndMasksPickExactlyTheLikelihoodsTerms() {
        // sum over heads of mask * log(p . one-hot) must be log P(S|x) for random head distributions.
        java.util.Random random = new java.util.Random(5);
        INDArray features = Nd4j.zeros(DataType.DOUBLE, NUMBERS.size(), 1);
        MultiDataSet batch = SequenceBatch.of(features, NUMBERS);
        for (int e = 0; e < NUMBERS.size(); e++) {
            double[][] heads = new double[SequenceLabels.HEADS][];
            double picked = 0;
            for (int h = 0; h < heads.length; h++) {
                double[] logits = new double[h == 0 ? SequenceLabels.LENGTH_CLASSES : SequenceLabels.DIGIT_CLASSES];
                for (int j = 0; j < logits.length; j++) {
                    logits[j] = 2 * random.nextGaussian();
                }
                heads[h] = SequenceLikelihood.softmax(logits);
                double[] oneHot = batch.getLabels(h).getRow(e).toDoubleVector();
                double dot = 0;
                for (int j = 0; j < oneHot.length; j++) {
                    dot += oneHot[j] * heads[h][j];
                }
                double mask = batch.getLabelsMaskArray(h).getDouble(e, 0);
                picked += mask == 0 ? 0 : mask * Math.log(dot);
            }
            assertEquals(SequenceLikelihood.logProbability(heads, NUMBERS.get(e)), picked, 1e-12, NUMBERS.get(e));
        }
    }
}
