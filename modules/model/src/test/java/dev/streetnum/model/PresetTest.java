package dev.streetnum.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PresetTest {

    @ParameterizedTest
    @EnumSource(Preset.class)
    void parameterCountMatchesTheBuiltNetwork(Preset preset) {
        ComputationGraph net = StreetNumberNetwork.build(preset, NetworkOptions.DEFAULT);
        assertEquals(net.numParams(), preset.parameterCount());
    }

    /**
     * Worked by hand: conv 5x5 "same" at 54, 27, 13, 6 (pools truncate: 54->27->13->6->3), so the
     * dense layer sees 3*3*160 = 1440 features.
     */
    @Test
    void probeMatchesTheSpeedIssueReference() {
        long conv = (75 * 32 + 32) + (800 * 64 + 64) + (1600 * 128 + 128) + (3200 * 160 + 160);
        long dense = 1440 * 512 + 512;
        long heads = 512 * 57 + 57;
        assertEquals(conv + dense + heads, Preset.PROBE.parameterCount());
        assertEquals(1.54e6, Preset.PROBE.parameterCount(), 0.005e6);
        long macs = 54L * 54 * 32 * 75 + 27L * 27 * 64 * 800 + 13L * 13 * 128 * 1600 + 6L * 6 * 160 * 3200
                + 1440L * 512 + 512L * 57;
        assertEquals(2 * macs, Preset.PROBE.forwardFlops());
        assertEquals(196e6, Preset.PROBE.forwardFlops(), 0.5e6);
    }

    @Test
    void paperFlattensTo3072Features() {
        // 54 -> 27 -> 27 -> 14 -> 14 -> 7 -> 7 -> 4 -> 4: 4*4*192 = 3072 into the first dense layer.
        int side = 54;
        for (int i = 0; i < Preset.PAPER.convLayers(); i++) {
            side = Preset.PAPER.pooledSide(side, Preset.PAPER.poolStride(i));
        }
        assertEquals(3072, side * side * Preset.PAPER.convChannels(Preset.PAPER.convLayers() - 1));
    }

    @Test
    void layersAreNamedForWhatTheyAre() {
        ComputationGraph net = StreetNumberNetwork.build(Preset.TINY, NetworkOptions.DEFAULT);
        for (String name : new String[] {"conv1", "pool1", "conv3", "pool3", "dense1"}) {
            assertTrue(net.getVertex(name) != null, name);
        }
        assertEquals(Arrays.asList(StreetNumberNetwork.OUTPUTS), net.getConfiguration().getNetworkOutputs());
        assertEquals(Arrays.asList(StreetNumberNetwork.INPUT), net.getConfiguration().getNetworkInputs());
    }

    @Test
    void presetNamesParseAndBadOnesSaySo() {
        assertEquals(Preset.CPU, Preset.parse("cpu"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Preset.parse("huge"));
        assertTrue(e.getMessage().contains("huge") && e.getMessage().contains("paper"), e.getMessage());
    }

    @Test
    void networkOptionsRejectNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new NetworkOptions(0, 0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new NetworkOptions(1e-3, -1, 0, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new NetworkOptions(1e-3, 0, 1.0, 1));
        assertTrue(e.getMessage().contains("dropout"), e.getMessage());
    }
}
