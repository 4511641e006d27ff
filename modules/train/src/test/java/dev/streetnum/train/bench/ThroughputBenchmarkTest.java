package dev.streetnum.train.bench;

import dev.streetnum.model.NetworkFlops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.model.Preset;
import dev.streetnum.model.StreetNumberNetwork;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class ThroughputBenchmarkTest {

    /** A two-head network on the real 54x54x3 input, small enough to time in a fraction of a second. */
    private static ComputationGraph tinyNetwork() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).graphBuilder()
                .addInputs(StreetNumberNetwork.INPUT)
                .addLayer("conv1", new ConvolutionLayer.Builder(5, 5).stride(5, 5).nOut(2).build(),
                        StreetNumberNetwork.INPUT)
                .addLayer("length", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(7)
                        .activation(Activation.SOFTMAX).build(), "conv1")
                .addLayer("digit1", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build(), "conv1")
                .setOutputs("length", "digit1").setInputTypes(InputType.convolutional(54, 54, 3)).build();
        ComputationGraph network = new ComputationGraph(conf);
        network.init();
        return network;
    }

    @Test
    void reportsThroughputAndAchievedFlopRates() {
        ComputationGraph network = tinyNetwork();
        long flops = NetworkFlops.forwardPerImage(network.getConfiguration(), InputType.convolutional(54, 54, 3));
        BenchResult result = new ThroughputBenchmark(new BenchConfig(Preset.TINY, 4, 0.05, 1), network).run();

        assertEquals(flops, result.forwardFlopsPerImage());
        assertEquals(network.numParams(), result.parameters());
        assertEquals(4, result.trainBatch());
        for (double rate : new double[] {result.trainImagesPerSecond(), result.infer1ImagesPerSecond(),
                result.infer64ImagesPerSecond()}) {
            assertTrue(rate > 0 && Double.isFinite(rate), "images/s must be positive, got " + rate);
        }
        assertEquals(result.trainImagesPerSecond() * 3 * flops / 1e9, result.trainGflops(), 1e-9);
        assertEquals(result.infer1ImagesPerSecond() * flops / 1e9, result.infer1Gflops(), 1e-9);
        assertEquals(result.infer64ImagesPerSecond() * flops / 1e9, result.infer64Gflops(), 1e-9);
    }

    @Test
    void rejectsConfigurationsThatCannotBeTimed() {
        IllegalArgumentException batch = assertThrows(IllegalArgumentException.class,
                () -> new BenchConfig(Preset.PROBE, 0, 1, 1));
        assertTrue(batch.getMessage().contains("batch"), batch.getMessage());
        IllegalArgumentException seconds = assertThrows(IllegalArgumentException.class,
                () -> new BenchConfig(Preset.PROBE, 32, 0, 1));
        assertTrue(seconds.getMessage().contains("seconds"), seconds.getMessage());
    }
}
