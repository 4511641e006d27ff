package dev.streetnum.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Sanity checks (Goodfellow, Bengio and Courville, ch. 11.5): a network that cannot memorise a
 * handful of examples has a bug. Random tensors as images; the TINY layout on a 16x16 input (the
 * same code path, a tenth of the cost), no regularisation.
 */
class OverfittingTest {

    /** Adam steps allowed for one example. */
    static final int ONE_EXAMPLE_STEPS = 200;
    /** Full-batch Adam steps allowed for 32 examples. */
    static final int BATCH_STEPS = 1500;
    static final double LEARNING_RATE = 1e-2;
    static final int SIDE = 16;

    private static ComputationGraph network(long seed) {
        return StreetNumberNetwork.build(Preset.TINY, NetworkOptions.seeded(seed).unregularised(), SIDE,
                DataType.FLOAT, new Adam(LEARNING_RATE));
    }

    private static String randomNumber(Random random) {
        int length = random.nextInt(7); // 0..6 digits: 6 is the ">5" class
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append((char) ('0' + random.nextInt(10)));
        }
        return s.toString();
    }

    /** What the decoder should answer for a label: ">5" labels are refusals. */
    private static boolean decodedCorrectly(Transcription t, String label) {
        return label.length() > 5 ? !t.transcribable() : t.transcribable() && t.candidate().equals(label);
    }

    @Test
    void oneExampleIsLearnedWithHighConfidence() {
        ComputationGraph net = network(21);
        Nd4j.getRandom().setSeed(21);
        // The example twice: DL4J M2.1 rejects label masks on a minibatch of one ("Per output masking
        // for MCXENT + softmax: not supported"), so one example is fitted as a batch of two copies.
        INDArray x = Nd4j.rand(DataType.FLOAT, 1, 3, SIDE, SIDE).subi(0.5).repeat(0, 2);
        MultiDataSet batch = SequenceBatch.of(x, List.of("1849", "1849"));
        Transcription t = null;
        int steps = 0;
        while (steps < ONE_EXAMPLE_STEPS) {
            net.fit(batch);
            steps++;
            t = SequenceDecoder.decode(net.output(false, x)).get(0);
            if (decodedCorrectly(t, "1849") && t.confidence() >= 0.99) {
                break;
            }
        }
        assertTrue(decodedCorrectly(t, "1849") && t.confidence() >= 0.99,
                "after " + steps + " steps: '" + t.candidate() + "' at " + t.confidence());
    }

    @Test
    void thirtyTwoExamplesReachFullTrainingAccuracy() {
        ComputationGraph net = network(22);
        Random random = new Random(22);
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            labels.add(randomNumber(random));
        }
        Nd4j.getRandom().setSeed(22);
        INDArray x = Nd4j.rand(DataType.FLOAT, labels.size(), 3, SIDE, SIDE).subi(0.5);
        MultiDataSet batch = SequenceBatch.of(x, labels);
        int correct = 0;
        int steps = 0;
        while (steps < BATCH_STEPS && correct < labels.size()) {
            for (int i = 0; i < 25; i++, steps++) {
                net.fit(batch);
            }
            List<Transcription> out = SequenceDecoder.decode(net.output(false, x));
            correct = 0;
            for (int e = 0; e < labels.size(); e++) {
                correct += decodedCorrectly(out.get(e), labels.get(e)) ? 1 : 0;
            }
        }
        System.out.println("32 examples: " + correct + "/32 correct after " + steps + " steps");
        assertTrue(correct == labels.size(), correct + "/32 correct after " + steps + " steps");
    }
}
