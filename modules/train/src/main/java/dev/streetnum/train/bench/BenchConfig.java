package dev.streetnum.train.bench;

import dev.streetnum.model.Preset;
import java.util.Objects;

/**
 * What {@link ThroughputBenchmark} measures.
 *
 * @param preset          the network to time
 * @param trainBatch      training minibatch size (issue 8 compares at 32)
 * @param secondsPerPhase timed seconds for each of the three phases (train, infer at batch 1, at 64),
 *                        after warm-up
 * @param seed            weight-initialisation and input seed
 */
public record BenchConfig(Preset preset, int trainBatch, double secondsPerPhase, long seed) {

    public static final int DEFAULT_TRAIN_BATCH = 32;
    public static final double DEFAULT_SECONDS = 10;
    /** The two inference batch sizes of issue 8: one request at a time, and a full micro-batch. */
    public static final int[] INFER_BATCHES = {1, 64};

    public BenchConfig {
        Objects.requireNonNull(preset, "preset");
        if (trainBatch < 1) {
            throw new IllegalArgumentException("the training batch must be at least 1 image, got " + trainBatch);
        }
        if (!(secondsPerPhase > 0 && secondsPerPhase <= 3600)) {
            throw new IllegalArgumentException("seconds per phase must be in (0, 3600], got " + secondsPerPhase);
        }
    }
}
