package dev.streetnum.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.SequenceLabels;
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
        double[][] heads = new double[SequenceLabels.HEADS][];
        for (int h = 0; h < heads.length; h++) {
            double[] logits = new double[h == 0 ? SequenceLabels.LENGTH_CLASSES : SequenceLabels.DIGIT_CLASSES];
            for (int j = 0; j < logits.length; j++) {
                logits[j] = sharpness * random.nextGaussian();
            }
            heads[h] = SequenceLikelihood.softmax(logits);
        }
        return heads;
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
        INDArray[] batch = new INDArray[SequenceLabels.HEADS];
        for (int h = 0; h < batch.length; h++) {
            double[][] rows = new double[examples.length][];
            for (int e = 0; e < examples.length; e++) {
                rows[e] = examples[e][h];
            }
            batch[h] = Nd4j.create(rows);
        }
        List<Transcription> decoded = SequenceDecoder.decode(batch);
        assertEquals(examples.length, decoded.size());
        for (int e = 0; e < examples.length; e++) {
            Transcription single = SequenceDecoder.decode(examples[e]);
            assertEquals(single.candidate(), decoded.get(e).candidate());
            assertEquals(single.logProbability(), decoded.get(e).logProbability(), 1e-12);
        }
        assertTrue(decoded.stream().allMatch(t -> t.confidence() > 0 && t.confidence() <= 1));
    }
}
