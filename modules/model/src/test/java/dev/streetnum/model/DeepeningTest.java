package dev.streetnum.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.PreprocessConfig;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class DeepeningTest {

    /**
     * The deeper network computes what the shallower one computes: the independent computation is the
     * shallower network itself, with weights and biases moved off their initial values (zero biases
     * would hide a wrong bias copy) on inputs of both signs.
     */
    @Test
    void theDeeperNetworkReadsAsTheShallowerOne() {
        ComputationGraph shallow = StreetNumberNetwork.build(Preset.TINY, NetworkOptions.DEFAULT);
        Nd4j.getRandom().setSeed(7);
        shallow.setParams(Nd4j.randn(shallow.params().dataType(), 1, shallow.numParams()).muli(0.3));
        ComputationGraph deep = StreetNumberNetwork.build(Preset.TINY_DEEP, NetworkOptions.DEFAULT);
        Deepening.of(Preset.TINY, Preset.TINY_DEEP).copy(shallow, deep);

        int side = PreprocessConfig.DEFAULT.crop();
        INDArray photos = Nd4j.randn(shallow.params().dataType(), 4, 3, side, side);
        INDArray[] expected = shallow.output(photos);
        INDArray[] actual = deep.output(photos);
        assertEquals(StreetNumberNetwork.OUTPUTS.length, actual.length);
        for (int h = 0; h < expected.length; h++) {
            assertArrayEquals(expected[h].ravel().toFloatVector(), actual[h].ravel().toFloatVector(), 1e-5f,
                    StreetNumberNetwork.OUTPUTS[h]);
        }
        // the network really is deeper: two more convolutions, each an identity to begin with
        assertEquals(Preset.TINY_DEEP.parameterCount(), deep.numParams());
        assertTrue(deep.numParams() > shallow.numParams());
        INDArray inserted = deep.getLayer("conv2").getParam("W");
        assertEquals(4.0, inserted.sumNumber().doubleValue(), 0.0);
        assertEquals(1.0, inserted.getDouble(3, 3, 1, 1), 0.0);
    }

    @Test
    void theShippedSizeDeepens() {
        ComputationGraph shallow = StreetNumberNetwork.build(Preset.CPU, NetworkOptions.DEFAULT);
        ComputationGraph deep = StreetNumberNetwork.build(Preset.CPU_DEEP, NetworkOptions.DEFAULT);
        Deepening.of(Preset.CPU, Preset.CPU_DEEP).copy(shallow, deep);
        assertEquals(shallow.getLayer("conv4").getParam("W"), deep.getLayer("conv7").getParam("W"));
        assertEquals(shallow.getLayer("dense1").params(), deep.getLayer("dense1").params());
        assertEquals(Preset.CPU_DEEP.parameterCount(), deep.numParams());
    }

    @Test
    void aDeepenedNetworkDeepensAgainAndComputesTheSame() {
        ComputationGraph shallow = perturbed(Preset.CPU, 11);
        ComputationGraph deep = StreetNumberNetwork.build(Preset.CPU_DEEP, NetworkOptions.DEFAULT);
        ComputationGraph deeper = StreetNumberNetwork.build(Preset.CPU_DEEPER, NetworkOptions.DEFAULT);
        ComputationGraph direct = StreetNumberNetwork.build(Preset.CPU_DEEPER, NetworkOptions.DEFAULT);
        Deepening.of(Preset.CPU, Preset.CPU_DEEP).copy(shallow, deep);
        Deepening.of(Preset.CPU_DEEP, Preset.CPU_DEEPER).copy(deep, deeper);
        Deepening.of(Preset.CPU, Preset.CPU_DEEPER).copy(shallow, direct);
        // cpu's fourth convolution is cpu_deep's seventh and cpu_deeper's tenth; the rest are identities
        assertEquals(shallow.getLayer("conv4").getParam("W"), deeper.getLayer("conv10").getParam("W"));
        assertEquals(deeper.params(), direct.params(), "two steps of deepening are one");
        assertEquals(handCount(3), Preset.CPU_DEEPER.parameterCount());
        assertEquals(Preset.CPU_DEEPER.parameterCount(), deeper.numParams());
        assertReadsAs(shallow, deeper);
    }

    @Test
    void theDeepestPresetDeepensTheDeeperOneAndComputesTheSame() {
        ComputationGraph deeper = perturbed(Preset.CPU_DEEPER, 12);
        ComputationGraph deepest = StreetNumberNetwork.build(Preset.CPU_DEEPEST, NetworkOptions.DEFAULT);
        Deepening.of(Preset.CPU_DEEPER, Preset.CPU_DEEPEST).copy(deeper, deepest);
        // cpu_deeper's seventh convolution (the first at 96 channels) is cpu_deepest's ninth
        assertEquals(deeper.getLayer("conv7").getParam("W"), deepest.getLayer("conv9").getParam("W"));
        assertEquals(handCount(4), Preset.CPU_DEEPEST.parameterCount());
        assertEquals(handCount(1), Preset.CPU.parameterCount(), "the count's own check: the cpu preset");
        assertEquals(handCount(2), Preset.CPU_DEEP.parameterCount());
        assertEquals(Preset.CPU_DEEPEST.parameterCount(), deepest.numParams());
        assertDoesNotThrow(() -> Deepening.of(Preset.CPU, Preset.CPU_DEEPEST), "cpu deepens to it in one step too");
        assertReadsAs(deeper, deepest);
    }

    /**
     * The parameters of a network of cpu's widths (32, 64, 96, 128) with {@code perWidth} convolutions at
     * each, counted by hand: 5x5 kernels, 3 input channels, the first convolution of a width reading the
     * previous one, 3x3x128 features into dense 256, then the length head (7) and five digit heads (10).
     */
    private static long handCount(int perWidth) {
        long params = 0;
        long in = 3;
        for (long width : new long[] {32, 64, 96, 128}) {
            params += 25 * in * width + width + (perWidth - 1) * (25 * width * width + width);
            in = width;
        }
        params += 3L * 3 * 128 * 256 + 256;
        return params + 256L * (7 + 5 * 10) + 7 + 5 * 10;
    }

    /** A network of the preset with its initial weights moved a little, the biases off 0 among them. */
    private static ComputationGraph perturbed(Preset preset, long seed) {
        ComputationGraph net = StreetNumberNetwork.build(preset, NetworkOptions.DEFAULT);
        Nd4j.getRandom().setSeed(seed);
        net.setParams(net.params().reshape(1, net.numParams())
                .add(Nd4j.randn(net.params().dataType(), 1, net.numParams()).muli(0.01)));
        return net;
    }

    /** Both networks' six heads agree on random input of both signs. */
    private static void assertReadsAs(ComputationGraph expected, ComputationGraph actual) {
        int side = PreprocessConfig.DEFAULT.crop();
        INDArray photos = Nd4j.randn(expected.params().dataType(), 2, 3, side, side);
        INDArray[] want = expected.output(photos);
        INDArray[] got = actual.output(photos);
        for (int h = 0; h < want.length; h++) {
            assertArrayEquals(want[h].ravel().toFloatVector(), got[h].ravel().toFloatVector(), 1e-5f,
                    StreetNumberNetwork.OUTPUTS[h]);
        }
    }

    @Test
    void presetsThatDoNotDeepenSaySo() {
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                () -> Deepening.of(Preset.CPU, Preset.TINY_DEEP));
        assertTrue(other.getMessage().contains("cannot be deepened to TINY_DEEP"), other.getMessage());
        IllegalArgumentException shallower = assertThrows(IllegalArgumentException.class,
                () -> Deepening.of(Preset.TINY_DEEP, Preset.TINY));
        assertTrue(shallower.getMessage().contains("TINY_DEEP"), shallower.getMessage());
        IllegalArgumentException norm = assertThrows(IllegalArgumentException.class,
                () -> Deepening.of(Preset.TINY_BN, Preset.TINY_DEEP));
        assertTrue(norm.getMessage().contains("batch normalization"), norm.getMessage());
        // the same preset is a deepening by nothing: fine-tuning
        ComputationGraph a = StreetNumberNetwork.build(Preset.TINY, NetworkOptions.DEFAULT);
        ComputationGraph b = StreetNumberNetwork.build(Preset.TINY, new NetworkOptions(1e-3, 0, 0, 99));
        Deepening.of(Preset.TINY, Preset.TINY).copy(a, b);
        assertEquals(a.params(), b.params());
    }
}
