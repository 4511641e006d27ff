package dev.streetnum.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /** Random head distributions; the length head one-hot on {@code lengthClass}, or random when it is -1. */
    private static double[][] teacher(java.util.Random random, int lengthClass) {
        double[][] heads = dev.streetnum.data.TestData.randomHeads(random, 1.5);
        if (lengthClass >= 0) {
            heads[0] = new double[SequenceLabels.LENGTH_CLASSES];
            heads[0][lengthClass] = 1;
        }
        return heads;
    }

    private record Scored(double reported, double[][][] student) {
    }

    /** DL4J's score of an untrained network on random features trained towards {@code teachers}, and its outputs. */
    private static Scored score(double[][][] teachers, long seed) {
        ComputationGraph net = StreetNumberNetwork.build(Preset.TINY, NetworkOptions.seeded(seed).unregularised());
        Nd4j.getRandom().setSeed(seed);
        INDArray features = Nd4j.rand(DataType.FLOAT, teachers.length, 3, 54, 54).subi(0.5);
        SequenceLabels.Rows rows = new SequenceLabels.Rows(teachers.length);
        for (int e = 0; e < teachers.length; e++) {
            rows.put(e, dev.streetnum.data.SoftTargets.of(teachers[e]));
        }
        double reported = net.score(new MultiDataSet(new INDArray[] {features}, rows.labels(DataType.FLOAT), null,
                rows.masks(DataType.FLOAT)), false);
        INDArray[] outputs = net.output(false, features);
        double[][][] student = new double[teachers.length][SequenceLabels.HEADS][];
        for (int e = 0; e < teachers.length; e++) {
            for (int h = 0; h < SequenceLabels.HEADS; h++) {
                student[e][h] = outputs[h].getRow(e).toDoubleVector();
            }
        }
        return new Scored(reported, student);
    }

    @Test
    void withATeacherSureOfTheLengthTheScoreIsTheExpectedNegativeLogLikelihood() {
        // Independently: enumerate every sequence S of the teacher's length (">5": its five shown digits),
        // weight -log P(S|x) by the teacher's q(S) = prod_{i<=n} q_i(s_i).
        java.util.Random random = new java.util.Random(8);
        int[] lengthClasses = {1, 3, SequenceLabels.OVERFLOW_CLASS};
        double[][][] teachers = new double[lengthClasses.length][][];
        for (int e = 0; e < teachers.length; e++) {
            teachers[e] = teacher(random, lengthClasses[e]);
        }
        Scored scored = score(teachers, 6);
        double sum = 0;
        for (int e = 0; e < teachers.length; e++) {
            int shown = Math.min(lengthClasses[e], SequenceLabels.MAX_DIGITS);
            double mass = 0;
            for (int k = 0; k < (int) Math.pow(10, shown); k++) {
                String digits = String.format("%0" + shown + "d", k);
                double q = 1;
                for (int i = 0; i < shown; i++) {
                    q *= teachers[e][1 + i][digits.charAt(i) - '0'];
                }
                mass += q;
                String sequence = lengthClasses[e] == SequenceLabels.OVERFLOW_CLASS ? digits + "0" : digits;
                sum += q * -SequenceLikelihood.logProbability(scored.student()[e], sequence);
            }
            assertEquals(1.0, mass, 1e-9, "the enumeration covers the teacher's whole distribution");
        }
        double expected = sum / teachers.length;
        assertEquals(expected, scored.reported(), 1e-5 * expected);
    }

    @Test
    void withSoftTargetsTheScoreIsTheCrossEntropyOfTheLengthAndOfEachExpectedDigit() {
        java.util.Random random = new java.util.Random(9);
        double[][][] teachers = new double[4][][];
        for (int e = 0; e < teachers.length; e++) {
            teachers[e] = teacher(random, -1);
        }
        Scored scored = score(teachers, 7);
        double sum = 0;
        int trainedDigits = 0;
        for (int e = 0; e < teachers.length; e++) {
            for (int h = 0; h < SequenceLabels.HEADS; h++) {
                double atLeast = 0; // P(L > h - 1), the teacher's probability that digit h exists
                for (int c = h; c < SequenceLabels.LENGTH_CLASSES; c++) {
                    atLeast += teachers[e][0][c];
                }
                if (h > 0 && atLeast < 0.5) {
                    continue;
                }
                trainedDigits += h > 0 ? 1 : 0;
                for (int k = 0; k < teachers[e][h].length; k++) {
                    sum -= teachers[e][h][k] * Math.log(scored.student()[e][h][k]);
                }
            }
        }
        assertTrue(trainedDigits > 0 && trainedDigits < 5 * teachers.length, "some digit heads are masked, not all");
        double expected = sum / teachers.length;
        assertEquals(expected, scored.reported(), 1e-5 * expected);
    }
}
