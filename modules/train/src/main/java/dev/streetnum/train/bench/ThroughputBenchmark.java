package dev.streetnum.train.bench;

import dev.streetnum.model.NetworkFlops;

import dev.streetnum.data.PreprocessConfig;
import dev.streetnum.model.NetworkOptions;
import dev.streetnum.model.Preset;
import dev.streetnum.model.StreetNumberNetwork;
import dev.streetnum.model.fast.CpuAcceleration;
import java.util.Locale;
import java.util.Random;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Times a preset's network on random input: training steps (forward, backward, Adam) and inference
 * at batch 1 and 64. Only the network is timed (no decoding, no data pipeline), so the figures
 * compare with another framework running the same layers (issue 8).
 */
public final class ThroughputBenchmark {

    private static final double NANOS_PER_SECOND = 1e9;
    private static final double FLOPS_PER_GFLOP = 1e9;
    /** A timed phase runs at least this many steps even when one step outlasts the time asked for. */
    private static final int MIN_TIMED_STEPS = 2;

    private final BenchConfig config;
    private final ComputationGraph network;
    /** DL4J picks a layer's helpers when the layer is created, so this is read with the network. */
    private final boolean accelerated;

    /** Builds the preset's network now: call {@code CpuAcceleration} first to choose the layer path. */
    public ThroughputBenchmark(BenchConfig config) {
        this(config, network(config.preset(), config.seed()));
    }

    /** Times a given network (tests use a tiny one); {@code config.preset()} only names it. */
    ThroughputBenchmark(BenchConfig config, ComputationGraph network) {
        this.config = config;
        this.network = network;
        this.accelerated = !CpuAcceleration.layersWithHelpers(network).isEmpty();
    }

    /** The network the bench times: the preset with the training defaults ({@link NetworkOptions}: Adam, dropout, decay). */
    static ComputationGraph network(Preset preset, long seed) {
        return StreetNumberNetwork.build(preset, NetworkOptions.seeded(seed));
    }

    public BenchResult run() {
        PreprocessConfig preprocess = PreprocessConfig.DEFAULT;
        InputType input = InputType.convolutional(preprocess.crop(), preprocess.crop(), preprocess.channels());
        long flops = NetworkFlops.forwardPerImage(network.getConfiguration(), input);
        Random random = new Random(config.seed());
        Nd4j.getRandom().setSeed(config.seed());

        MultiDataSet trainBatch = randomBatch(network, input, config.trainBatch(), random);
        double train = imagesPerSecond(config.trainBatch(), () -> network.fit(trainBatch));
        double[] infer = new double[BenchConfig.INFER_BATCHES.length];
        for (int i = 0; i < infer.length; i++) {
            int batch = BenchConfig.INFER_BATCHES[i];
            INDArray features = randomBatch(network, input, batch, random).getFeatures(0);
            infer[i] = imagesPerSecond(batch, () -> network.output(false, features));
        }
        return new BenchResult(config.preset().name().toLowerCase(Locale.ROOT), network.numParams(), flops,
                accelerated, CpuAcceleration.nativeBuild(), config.trainBatch(),
                train, gflops(train * NetworkFlops.TRAINING_PASSES, flops),
                infer[0], gflops(infer[0], flops), infer[1], gflops(infer[1], flops));
    }

    private double imagesPerSecond(int imagesPerStep, Runnable step) {
        for (int i = 0; i < BenchConfig.WARMUP_STEPS; i++) {
            step.run();
        }
        long budget = (long) (config.secondsPerPhase() * NANOS_PER_SECOND);
        long start = System.nanoTime();
        long elapsed;
        int steps = 0;
        do {
            step.run();
            steps++;
            elapsed = System.nanoTime() - start;
        } while (elapsed < budget || steps < MIN_TIMED_STEPS);
        return steps * (double) imagesPerStep * NANOS_PER_SECOND / elapsed;
    }

    private static double gflops(double imagesPerSecond, long flopsPerImage) {
        return imagesPerSecond * flopsPerImage / FLOPS_PER_GFLOP;
    }

    /** Uniform pixels in [-1, 1) and a random class per output head. */
    private static MultiDataSet randomBatch(ComputationGraph network, InputType input, int batch, Random random) {
        InputType.InputTypeConvolutional image = (InputType.InputTypeConvolutional) input;
        INDArray features = Nd4j.rand(DataType.FLOAT, batch, image.getChannels(), image.getHeight(), image.getWidth())
                .muli(2).subi(1);
        String[] outputs = network.getConfiguration().getNetworkOutputs().toArray(String[]::new);
        INDArray[] labels = new INDArray[outputs.length];
        for (int h = 0; h < outputs.length; h++) {
            FeedForwardLayer head = (FeedForwardLayer) network.getLayer(outputs[h]).conf().getLayer();
            labels[h] = Nd4j.zeros(DataType.FLOAT, batch, head.getNOut());
            for (int b = 0; b < batch; b++) {
                labels[h].putScalar(b, random.nextInt((int) head.getNOut()), 1);
            }
        }
        return new MultiDataSet(new INDArray[] {features}, labels);
    }
}
