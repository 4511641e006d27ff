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
        ComputationGraph shallow = StreetNumberNetwork.build(Preset.CPU, NetworkOptions.DEFAULT);
        Nd4j.getRandom().setSeed(11);
        shallow.setParams(shallow.params().reshape(1, shallow.numParams())
                .add(Nd4j.randn(shallow.params().dataType(), 1, shallow.numParams()).muli(0.01))); // biases off 0
        ComputationGraph deep = StreetNumberNetwork.build(Preset.CPU_DEEP, NetworkOptions.DEFAULT);
        ComputationGraph deeper = StreetNumberNetwork.build(Preset.CPU_DEEPER, NetworkOptions.DEFAULT);
        ComputationGraph direct = StreetNumberNetwork.build(Preset.CPU_DEEPER, NetworkOptions.DEFAULT);
        Deepening.of(Preset.CPU, Preset.CPU_DEEP).copy(shallow, deep);
        Deepening.of(Preset.CPU_DEEP, Preset.CPU_DEEPER).copy(deep, deeper);
        Deepening.of(Preset.CPU, Preset.CPU_DEEPER).copy(shallow, direct);
        // cpu's fourth convolution is cpu_deep's seventh and cpu_deeper's tenth; the rest are identities
        assertEquals(shallow.getLayer("conv4").getParam("W"), deeper.getLayer("conv10").getParam("W"));
        assertEquals(deeper.params(), direct.params(), "two steps of deepening are one");
        // 12 convolutions: parameters counted by hand, 5x5 kernels, 3 input channels, 3x3x128 features
        long convs = (25L * 3 * 32 + 32) + 2 * (25L * 32 * 32 + 32) + (25L * 32 * 64 + 64) + 2 * (25L * 64 * 64 + 64)
                + (25L * 64 * 96 + 96) + 2 * (25L * 96 * 96 + 96) + (25L * 96 * 128 + 128) + 2 * (25L * 128 * 128 + 128);
        long dense = 3L * 3 * 128 * 256 + 256;
        long heads = 256L * (7 + 5 * 10) + 7 + 5 * 10;
        assertEquals(convs + dense + heads, Preset.CPU_DEEPER.parameterCount());
        assertEquals(Preset.CPU_DEEPER.parameterCount(), deeper.numParams());
        int side = PreprocessConfig.DEFAULT.crop();
        INDArray photos = Nd4j.randn(shallow.params().dataType(), 2, 3, side, side);
        INDArray[] expected = shallow.output(photos);
        INDArray[] actual = deeper.output(photos);
        for (int h = 0; h < expected.length; h++) {
            assertArrayEquals(expected[h].ravel().toFloatVector(), actual[h].ravel().toFloatVector(), 1e-5f,
                    StreetNumberNetwork.OUTPUTS[h]);
        }
    }

    @Test
    void theDeepestPresetDeepensTheDeeperOneAndComputesTheSame() {
        ComputationGraph deeper = StreetNumberNetwork.build(Preset.CPU_DEEPER, NetworkOptions.DEFAULT);
        Nd4j.getRandom().setSeed(12);
        deeper.setParams(deeper.params().reshape(1, deeper.numParams())
                .add(Nd4j.randn(deeper.params().dataType(), 1, deeper.numParams()).muli(0.01))); // biases off 0
        ComputationGraph deepest = StreetNumberNetwork.build(Preset.CPU_DEEPEST, NetworkOptions.DEFAULT);
        Deepening.of(Preset.CPU_DEEPER, Preset.CPU_DEEPEST).copy(deeper, deepest);
        // cpu_deeper's seventh convolution (the first at 96 channels) is cpu_deepest's ninth
        assertEquals(deeper.getLayer("conv7").getParam("W"), deepest.getLayer("conv9").getParam("W"));
        // 16 convolutions: four at each width, the first of each reading the previous width
        long convs = (25L * 3 * 32 + 32) + 3 * (25L * 32 * 32 + 32) + (25L * 32 * 64 + 64) + 3 * (25L * 64 * 64 + 64)
                + (25L * 64 * 96 + 96) + 3 * (25L * 96 * 96 + 96) + (25L * 96 * 128 + 128) + 3 * (25L * 128 * 128 + 128);
        long dense = 3L * 3 * 128 * 256 + 256;
        long heads = 256L * (7 + 5 * 10) + 7 + 5 * 10;
        assertEquals(convs + dense + heads, Preset.CPU_DEEPEST.parameterCount());
        assertEquals(Preset.CPU_DEEPEST.parameterCount(), deepest.numParams());
        assertDoesNotThrow(() -> Deepening.of(Preset.CPU, Preset.CPU_DEEPEST), "cpu deepens to it in one step too");
        int side = PreprocessConfig.DEFAULT.crop();
        INDArray photos = Nd4j.randn(deeper.params().dataType(), 2, 3, side, side);
        INDArray[] expected = deeper.output(photos);
        INDArray[] actual = deepest.output(photos);
        for (int h = 0; h < expected.length; h++) {
            assertArrayEquals(expected[h].ravel().toFloatVector(), actual[h].ravel().toFloatVector(), 1e-5f,
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
