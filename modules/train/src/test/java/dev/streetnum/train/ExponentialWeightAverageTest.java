package dev.streetnum.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

class ExponentialWeightAverageTest {

    @Test
    void theDecayRampsUpFromTheFirstUpdatesToTheRequestedOne() {
        assertEquals(2.0 / 11, ExponentialWeightAverage.decayAt(0.999, 1), 1e-15);
        assertEquals(101.0 / 110, ExponentialWeightAverage.decayAt(0.999, 100), 1e-15);
        assertEquals(0.999, ExponentialWeightAverage.decayAt(0.999, 10_000), 0);
        assertEquals(0.5, ExponentialWeightAverage.decayAt(0.5, 100), 0, "a small decay is reached at once");
    }

    @Test
    void theAverageIsTheExponentialRecurrenceComputedInDoubles() {
        ComputationGraph net = TinyGraphs.twoHeads(3, new Adam(1e-2), 0);
        int n = (int) net.numParams();
        double decay = 0.6;
        Random random = new Random(5);
        double[] expected = net.params().toDoubleVector();
        ExponentialWeightAverage average = ExponentialWeightAverage.startingAt(net, decay);
        for (int t = 1; t <= 12; t++) {
            double[] weights = new double[n];
            for (int i = 0; i < n; i++) {
                weights[i] = random.nextGaussian();
            }
            net.setParams(Nd4j.createFromArray(weights).castTo(net.params().dataType()).reshape(net.params().shape()));
            average.update(net, t);
            double d = Math.min(decay, (1.0 + t) / (10.0 + t));
            float[] stored = net.params().toFloatVector();
            for (int i = 0; i < n; i++) {
                expected[i] = d * expected[i] + (1 - d) * stored[i];
            }
        }
        double[] got = average.weights().toDoubleVector();
        for (int i = 0; i < n; i++) {
            assertEquals(expected[i], got[i], 1e-5, "parameter " + i);
        }
    }

    @Test
    void scoringSeesTheAverageAndTrainingGetsItsRawWeightsBackEvenWhenScoringFails() {
        ComputationGraph net = TinyGraphs.twoHeads(3, new Adam(1e-2), 0);
        ExponentialWeightAverage average = ExponentialWeightAverage.startingAt(net, 0.9);
        INDArray raw = net.params().mul(3);
        net.setParams(raw);
        float[] seen = average.withAverageIn(net, () -> net.params().toFloatVector());
        assertArrayEquals(average.weights().toFloatVector(), seen, 0f);
        assertArrayEquals(raw.toFloatVector(), net.params().toFloatVector(), 0f);
        assertThrows(IllegalStateException.class, () -> average.withAverageIn(net, () -> {
            throw new IllegalStateException("scoring failed");
        }));
        assertArrayEquals(raw.toFloatVector(), net.params().toFloatVector(), 0f, "restored after a failure");
    }

    @Test
    void anAverageOfAnotherSizeOrDecayIsRefused() {
        ComputationGraph net = TinyGraphs.twoHeads(3, new Adam(1e-2), 0);
        Exception size = assertThrows(IllegalArgumentException.class,
                () -> ExponentialWeightAverage.resumedAt(Nd4j.zeros(3), net, 0.99));
        assertTrue(size.getMessage().contains("3 values"), size.getMessage());
        Exception decay = assertThrows(IllegalArgumentException.class,
                () -> ExponentialWeightAverage.startingAt(net, 1.0));
        assertTrue(decay.getMessage().contains("(0, 1)"), decay.getMessage());
    }
}
