package dev.streetnum.train.bench;

import dev.streetnum.model.NetworkFlops;

import dev.streetnum.data.PreprocessConfig;
import dev.streetnum.model.NetworkOptions;
import dev.streetnum.model.Preset;
import dev.streetnum.model.StepTimer;
import dev.streetnum.model.StreetNumberNetwork;
import dev.streetnum.model.fast.CpuAcceleration;
import java.util.List;
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

    private static final double FLOPS_PER_GFLOP = 1e9;

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

    /** The timed phases in the order {@link #run(PhaseObserver)} runs them. */
    public static final List<String> PHASES = List.of("train", "infer-" + BenchConfig.INFER_BATCHES[0],
            "infer-" + BenchConfig.INFER_BATCHES[1]);

    /** Told as each of {@link #PHASES} starts and ends. */
    public interface PhaseObserver {
        PhaseObserver NONE = new PhaseObserver() {
            @Override
            public void starting(String phase) {
            }

            @Override
            public void finished(String phase) {
            }
        };

        void starting(String phase);

        void finished(String phase);
    }

    public BenchResult run() {
        return run(PhaseObserver.NONE);
    }

    /** @param observer told as each timed phase starts and ends (the profiler records each apart) */
    public BenchResult run(PhaseObserver observer) {
        PreprocessConfig preprocess = PreprocessConfig.DEFAULT;
        InputType input = InputType.convolutional(preprocess.crop(), preprocess.crop(), preprocess.channels());
        long flops = NetworkFlops.forwardPerImage(network.getConfiguration(), input);
        Random random = new Random(config.seed());
        Nd4j.getRandom().setSeed(config.seed());

        MultiDataSet trainBatch = randomBatch(network, input, config.trainBatch(), random);
        double train = observed(observer, "train", () -> imagesPerSecond(config.trainBatch(), () -> network.fit(trainBatch)));
        double[] infer = new double[BenchConfig.INFER_BATCHES.length];
        for (int i = 0; i < infer.length; i++) {
            int batch = BenchConfig.INFER_BATCHES[i];
            INDArray features = randomBatch(network, input, batch, random).getFeatures(0);
            infer[i] = observed(observer, "infer-" + batch, () -> imagesPerSecond(batch, () -> network.output(false, features)));
        }
        return new BenchResult(config.preset().name().toLowerCase(Locale.ROOT), network.numParams(), flops,
                accelerated, CpuAcceleration.nativeBuild(), Nd4j.factory().blas().getMaxThreads(), config.trainBatch(),
                train, gflops(train * NetworkFlops.TRAINING_PASSES, flops),
                infer[0], gflops(infer[0], flops), infer[1], gflops(infer[1], flops));
    }

    private static double observed(PhaseObserver observer, String phase, java.util.function.DoubleSupplier timed) {
        observer.starting(phase);
        try {
            return timed.getAsDouble();
        } finally {
            observer.finished(phase);
        }
    }

    private double imagesPerSecond(int imagesPerStep, Runnable step) {
        return StepTimer.imagesPerSecond(imagesPerStep, config.secondsPerPhase(), step);
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
