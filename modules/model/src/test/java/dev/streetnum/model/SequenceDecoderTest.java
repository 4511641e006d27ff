package dev.streetnum.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.SequenceLabels;
import dev.streetnum.data.TestData;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The O(N) decoder against brute force over every sequence of length 0..5 (111,111 of them). */
class SequenceDecoderTest {

    private record Sequence(String text, double log) {
    }

    /** Every digit string of length 0..5 with its log P(S|x), best first. */
    private static List<Sequence> bruteForce(double[][] heads) {
        List<Sequence> all = new ArrayList<>();
        all.add(new Sequence("", SequenceLikelihood.logProbability(heads, "")));
        for (int n = 1; n <= SequenceLabels.MAX_DIGITS; n++) {
            int count = (int) Math.pow(10, n);
            for (int v = 0; v < count; v++) {
                String digits = Integer.toString(v);
                String text = "0".repeat(n - digits.length()) + digits;
                all.add(new Sequence(text, SequenceLikelihood.logProbability(heads, text)));
            }
        }
        all.sort(Comparator.comparingDouble(Sequence::log).reversed());
        return all;
    }

    /** Random softmax outputs; {@code sharpness} spreads the logits so some heads are confident. */
    private static double[][] randomHeads(Random random, double sharpness) {
        return dev.streetnum.data.TestData.randomHeads(random, sharpness);
    }

    @Test
    void mapAnswerAndTopAlternativesMatchBruteForce() {
        Random random = new Random(5);
        for (int trial = 0; trial < 10; trial++) {
            double[][] heads = randomHeads(random, 1 + trial % 4);
            List<Sequence> truth = bruteForce(heads);
            Transcription t = SequenceDecoder.decode(heads);

            assertEquals(truth.get(0).text(), t.candidate(), "trial " + trial);
            assertEquals(truth.get(0).log(), t.logProbability(), 1e-12);
            assertEquals(Math.exp(truth.get(0).log()), t.confidence(), 1e-12);
            assertEquals(t.lengthProbabilities()[SequenceLabels.OVERFLOW_CLASS] <= t.confidence(), t.transcribable());
            assertEquals(SequenceDecoder.ALTERNATIVES, t.alternatives().size());
            for (int k = 0; k < SequenceDecoder.ALTERNATIVES; k++) {
                assertEquals(truth.get(k + 1).text(), t.alternatives().get(k).text(), "trial " + trial + " alt " + k);
                assertEquals(Math.exp(truth.get(k + 1).log()), t.alternatives().get(k).confidence(), 1e-12);
            }
        }
    }

    @Test
    void overflowWinningMeansCannotTranscribeButKeepsTheCandidate() {
        double[][] heads = randomHeads(new Random(6), 1);
        heads[0] = new double[] {0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.88};
        Transcription t = SequenceDecoder.decode(heads);
        assertFalse(t.transcribable());
        assertFalse(t.acceptedAt(0));
        assertEquals(bruteForce(heads).get(0).text(), t.candidate());
    }

    @Test
    void adHocConfidenceIsTheProductOfTheSixMaxima() {
        double[][] heads = randomHeads(new Random(7), 2);
        double product = 1;
        for (double[] head : heads) {
            product *= java.util.Arrays.stream(head).max().orElseThrow();
        }
        assertEquals(product, SequenceDecoder.decode(heads).adHocConfidence(), 1e-15);
    }

    @Test
    void batchDecodingMatchesPerExampleDecoding() {
        Random random = new Random(8);
        double[][][] examples = {randomHeads(random, 2), randomHeads(random, 3), randomHeads(random, 1)};
        List<Transcription> decoded = SequenceDecoder.decode(TestData.headsBatch(examples));
        assertEquals(examples.length, decoded.size());
        for (int e = 0; e < examples.length; e++) {
            Transcription single = SequenceDecoder.decode(examples[e]);
            assertEquals(single.candidate(), decoded.get(e).candidate());
            assertEquals(single.logProbability(), decoded.get(e).logProbability(), 1e-12);
        }
        assertTrue(decoded.stream().allMatch(t -> t.confidence() > 0 && t.confidence() <= 1));
    }

    /** Every string's mixture probability, each view's P_v(S) multiplied out by hand. */
    private static List<Sequence> mixtureByBruteForce(List<double[][]> views) {
        List<Sequence> all = new ArrayList<>();
        for (int n = 0; n <= SequenceLabels.MAX_DIGITS; n++) {
            int count = (int) Math.pow(10, n);
            for (int v = 0; v < count; v++) {
                String text = n == 0 ? "" : String.format("%0" + n + "d", v);
                double mixture = 0;
                for (double[][] heads : views) {
                    double p = heads[0][n];
                    for (int i = 0; i < n; i++) {
                        p *= heads[1 + i][text.charAt(i) - '0'];
                    }
                    mixture += p / views.size();
                }
                all.add(new Sequence(text, Math.log(mixture)));
            }
        }
        all.sort(Comparator.comparingDouble(Sequence::log).reversed());
        return all;
    }

    @Test
    void mixtureAnswerAndAlternativesMatchBruteForce() {
        Random random = new Random(11);
        for (int trial = 0; trial < 8; trial++) {
            // flat heads (sharpness 0.5) push the best mixture string outside the views' first candidates
            List<double[][]> views = new ArrayList<>();
            for (int v = 0; v < 2 + trial % 3; v++) {
                views.add(randomHeads(random, trial < 2 ? 0.5 : 1 + trial % 4));
            }
            List<Sequence> truth = mixtureByBruteForce(views);
            Transcription t = SequenceDecoder.decodeMixture(views);

            assertEquals(truth.get(0).text(), t.candidate(), "trial " + trial);
            assertEquals(Math.exp(truth.get(0).log()), t.confidence(), 1e-12, "trial " + trial);
            assertEquals(truth.get(0).log(), t.logProbability(), 1e-9, "trial " + trial);
            for (int k = 0; k < t.alternatives().size(); k++) {
                assertTrue(t.alternatives().get(k).confidence() <= Math.exp(truth.get(k + 1).log()) + 1e-12,
                        "alternatives come from the candidates, never above the true k-th best");
            }
            double overflow = 0;
            for (double[][] heads : views) {
                overflow += heads[0][SequenceLabels.OVERFLOW_CLASS] / views.size();
            }
            assertEquals(overflow, t.lengthProbabilities()[SequenceLabels.OVERFLOW_CLASS], 1e-12);
            assertEquals(overflow <= t.confidence(), t.transcribable());
        }
    }

    @Test
    void aMixtureOfOneViewIsThePlainDecoding() {
        double[][] heads = randomHeads(new Random(3), 2);
        Transcription plain = SequenceDecoder.decode(heads);
        Transcription mixed = SequenceDecoder.decodeMixture(List.<double[][]>of(heads));
        assertEquals(plain.candidate(), mixed.candidate());
        assertEquals(plain.logProbability(), mixed.logProbability(), 0);
        assertEquals(plain.alternatives(), mixed.alternatives());
    }

    @Test
    void anAnswerOnlyOneViewReadsKeepsOnlyThatViewsShare() {
        // view A is sure of "18" (its box cut off the last digit), view B of "181"
        double[][] a = sureOf("18");
        double[][] b = sureOf("181");
        Transcription mixed = SequenceDecoder.decodeMixture(List.of(a, b));
        double pA18 = Math.exp(SequenceLikelihood.logProbability(a, "18"));
        double pB18 = Math.exp(SequenceLikelihood.logProbability(b, "18"));
        double pA181 = Math.exp(SequenceLikelihood.logProbability(a, "181"));
        double pB181 = Math.exp(SequenceLikelihood.logProbability(b, "181"));
        String expected = pA18 + pB18 > pA181 + pB181 ? "18" : "181";
        assertEquals(expected, mixed.candidate());
        assertEquals(Math.max(pA18 + pB18, pA181 + pB181) / 2, mixed.confidence(), 1e-12);
        assertTrue(mixed.confidence() < 0.55, "neither reading holds across both views: " + mixed.confidence());
        assertTrue(SequenceDecoder.decode(a).confidence() > 0.9 && SequenceDecoder.decode(b).confidence() > 0.9);
    }

    /** Heads that put 0.99 on each of {@code number}'s length and digits, and spread the rest. */
    private static double[][] sureOf(String number) {
        double[][] heads = new double[SequenceLabels.HEADS][];
        heads[0] = spread(SequenceLabels.LENGTH_CLASSES, number.length());
        for (int i = 1; i <= SequenceLabels.MAX_DIGITS; i++) {
            heads[i] = spread(SequenceLabels.DIGIT_CLASSES, i <= number.length() ? number.charAt(i - 1) - '0' : 0);
        }
        return heads;
    }

    private static double[] spread(int classes, int sure) {
        double[] p = new double[classes];
        java.util.Arrays.fill(p, 0.01 / (classes - 1));
        p[sure] = 0.99;
        return p;
    }

    /** Two networks, worked by hand: the answer is the averaged heads', its score their geometric mean. */
    @Test
    void agreementScoresTheAveragedAnswerByTheGeometricMeanOfEachModelsOwnProbability() {
        // Network a is sure of "17"; network b reads "17" a little less surely and doubts the 7.
        double[][] a = new double[SequenceLabels.HEADS][];
        double[][] b = new double[SequenceLabels.HEADS][];
        a[0] = new double[] {0.01, 0.02, 0.9, 0.03, 0.02, 0.01, 0.01};
        b[0] = new double[] {0.05, 0.05, 0.7, 0.1, 0.05, 0.03, 0.02};
        for (int i = 1; i <= SequenceLabels.MAX_DIGITS; i++) {
            a[i] = new double[SequenceLabels.DIGIT_CLASSES];
            b[i] = new double[SequenceLabels.DIGIT_CLASSES];
            java.util.Arrays.fill(a[i], 0.1);
            java.util.Arrays.fill(b[i], 0.1);
        }
        a[1] = new double[] {0.01, 0.91, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01};
        b[1] = new double[] {0.02, 0.82, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02};
        a[2] = new double[] {0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.91, 0.01, 0.01};
        b[2] = new double[] {0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.4, 0.05, 0.2};

        List<INDArray[]> pair = List.of(TestData.headsBatch(a), TestData.headsBatch(b));
        Transcription averaged = SequenceDecoder.decodeMean(pair, 1, EnsembleScore.MEAN_HEADS).get(0);
        Transcription agreed = SequenceDecoder.decodeMean(pair, 1, EnsembleScore.AGREEMENT).get(0);
        assertEquals("17", averaged.candidate());
        assertEquals(averaged.candidate(), agreed.candidate());
        // P_a("17") = 0.9 * 0.91 * 0.91 = 0.74529, P_b("17") = 0.7 * 0.82 * 0.4 = 0.2296.
        assertEquals(0.74529, ReadChecks.probabilityOf(a, "17"), 1e-12);
        assertEquals(0.2296, ReadChecks.probabilityOf(b, "17"), 1e-12);
        double geometricMean = Math.sqrt(0.74529 * 0.2296);
        assertEquals(geometricMean, agreed.confidence(), 1e-9);
        assertEquals(Math.log(geometricMean), agreed.logProbability(), 1e-9);
        // The averaged heads: 0.8 * 0.865 * 0.655, surer than the doubting network allows.
        assertEquals(0.8 * 0.865 * 0.655, averaged.confidence(), 1e-9);
        // Everything but the score is the averaged heads' answer.
        assertEquals(averaged.transcribable(), agreed.transcribable());
        assertEquals(averaged.alternatives(), agreed.alternatives());
        org.junit.jupiter.api.Assertions.assertArrayEquals(averaged.lengthProbabilities(), agreed.lengthProbabilities());
    }

    @Test
    void agreementOfOneModelIsItsOwnProbabilityAndViewsAverageWithinEachModel() {
        Random random = new Random(21);
        double[][] a1 = randomHeads(random, 2);
        double[][] a2 = randomHeads(random, 2);
        double[][] b1 = randomHeads(random, 3);
        double[][] b2 = randomHeads(random, 1);
        double[][] c = randomHeads(random, 2);
        // One model, groups of two views and of one row: the same answers, bit for bit, either way.
        for (int groups : new int[] {1, 2}) {
            List<INDArray[]> one = List.<INDArray[]>of(TestData.headsBatch(a1, a2));
            ReadChecks.assertSameAnswers(SequenceDecoder.decodeMean(one, groups, EnsembleScore.MEAN_HEADS),
                    SequenceDecoder.decodeMean(one, groups, EnsembleScore.AGREEMENT));
        }
        // Two models, two views each (one photo): each model's heads are its two views' mean first.
        List<INDArray[]> pair = List.of(TestData.headsBatch(a1, a2), TestData.headsBatch(b1, b2));
        Transcription agreed = SequenceDecoder.decodeMean(pair, 1, EnsembleScore.AGREEMENT).get(0);
        double[][] ownA = new double[SequenceLabels.HEADS][];
        double[][] ownB = new double[SequenceLabels.HEADS][];
        double[][] all = new double[SequenceLabels.HEADS][];
        for (int h = 0; h < SequenceLabels.HEADS; h++) {
            ownA[h] = new double[a1[h].length];
            ownB[h] = new double[a1[h].length];
            all[h] = new double[a1[h].length];
            for (int k = 0; k < a1[h].length; k++) {
                ownA[h][k] = (a1[h][k] + a2[h][k]) / 2;
                ownB[h][k] = (b1[h][k] + b2[h][k]) / 2;
                all[h][k] = (a1[h][k] + a2[h][k] + b1[h][k] + b2[h][k]) / 4;
            }
        }
        String answer = SequenceDecoder.decode(all).candidate();
        assertEquals(answer, agreed.candidate());
        assertEquals(Math.sqrt(ReadChecks.probabilityOf(ownA, answer) * ReadChecks.probabilityOf(ownB, answer)),
                agreed.confidence(), 1e-9);
        // Three models, two photos of one row each: each photo scored by its own rows.
        List<INDArray[]> three = List.of(TestData.headsBatch(a1, a2), TestData.headsBatch(b1, b2), TestData.headsBatch(c, c));
        List<Transcription> two = SequenceDecoder.decodeMean(three, 2, EnsembleScore.AGREEMENT);
        double[][][] second = {a2, b2, c};
        double product = 1;
        for (double[][] heads : second) {
            product *= ReadChecks.probabilityOf(heads, two.get(1).candidate());
        }
        assertEquals(Math.cbrt(product), two.get(1).confidence(), 1e-9);
    }

    @Test
    void aModelSureTheAnswerIsImpossibleScoresItVeryLowNotMinusInfinity() {
        double[][] sure = oneHotHeads("5");
        double[][] never = oneHotHeads("5");
        never[1] = new double[SequenceLabels.DIGIT_CLASSES];
        never[1][3] = 1;  // P("5") = 0 exactly: this network reads a 3
        Transcription agreed = SequenceDecoder.decodeMean(List.of(TestData.headsBatch(sure), TestData.headsBatch(sure), TestData.headsBatch(never)), 1,
                EnsembleScore.AGREEMENT).get(0);
        assertEquals("5", agreed.candidate());
        assertTrue(Double.isFinite(agreed.logProbability()) && agreed.logProbability() < -200,
                "log " + agreed.logProbability());
        assertEquals(0.0, agreed.confidence(), 1e-90);
    }

    /** Heads certain of {@code text}: its length and each of its digits with probability 1. */
    private static double[][] oneHotHeads(String text) {
        double[][] heads = new double[SequenceLabels.HEADS][];
        heads[0] = new double[SequenceLabels.MAX_DIGITS + 2];
        heads[0][text.length()] = 1;
        for (int i = 1; i <= SequenceLabels.MAX_DIGITS; i++) {
            heads[i] = new double[SequenceLabels.DIGIT_CLASSES];
            heads[i][i <= text.length() ? text.charAt(i - 1) - '0' : 0] = 1;
        }
        return heads;
    }

    /** A head read off its buffer equals ND4J's own reading, for a plain array, a view and Fortran order. */
    @Test
    void aHeadsRowsAreReadAsNd4jReadsThem() {
        Random random = new Random(3);
        double[][] values = new double[5][10];
        for (double[] row : values) {
            for (int k = 0; k < row.length; k++) {
                row[k] = random.nextDouble();
            }
        }
        INDArray plain = Nd4j.create(values).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
        INDArray view = plain.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 4),
                org.nd4j.linalg.indexing.NDArrayIndex.all());
        INDArray columns = plain.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(2, 9));
        INDArray fortran = plain.dup('f');
        for (INDArray head : List.of(plain, view, columns, fortran)) {
            double[][] expected = head.toDoubleMatrix();
            double[][] actual = SequenceDecoder.rows(head);
            assertEquals(expected.length, actual.length);
            for (int r = 0; r < expected.length; r++) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(expected[r], actual[r], 0.0, "row " + r);
            }
        }
        assertTrue(view.isView() && fortran.ordering() == 'f', "the cases are what they say");
    }
}
