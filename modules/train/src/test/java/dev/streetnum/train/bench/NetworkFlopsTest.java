package dev.streetnum.train.bench;

import dev.streetnum.model.NetworkFlops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import dev.streetnum.model.Preset;
import org.junit.jupiter.api.Test;

/** The benchmark's network is the speed issue's, counted by the model's one FLOP counter. */
class NetworkFlopsTest {

    private static final InputType STANDARD_INPUT = InputType.convolutional(54, 54, 3);

    @Test
    void probeNetworkIsTheIssuesNetwork() {
        ComputationGraph probe = ThroughputBenchmark.network(Preset.PROBE, 1);
        // Issue 8's layer sizes worked by hand: 5x5 same convs at 54, 27, 13, 6 pixels a side
        // (truncating pools), 3*3*160 = 1440 features into dense 512, heads 7 + 5*10 = 57 classes.
        long[][] convs = {{3, 32, 54}, {32, 64, 27}, {64, 128, 13}, {128, 160, 6}};
        long flops = 0;
        long params = 0;
        for (long[] c : convs) {
            flops += 2 * 25 * c[0] * c[1] * c[2] * c[2];
            params += 25 * c[0] * c[1] + c[1];
        }
        flops += 2 * 1440 * 512 + 2 * 512 * 57;
        params += 1440 * 512 + 512 + 512 * 57 + 57;
        assertEquals(params, probe.numParams());
        assertEquals(1_537_817, params, "the issue's 1.54 M parameters");
        assertEquals(flops, NetworkFlops.forwardPerImage(probe.getConfiguration(), STANDARD_INPUT));
        assertEquals(196, Math.round(flops / 1e6), "the issue's 196 MFLOP per image");
    }
}
