package dev.streetnum.train;

import dev.streetnum.data.Augmentation;
import dev.streetnum.data.PreprocessConfig;
import dev.streetnum.model.NetworkOptions;
import dev.streetnum.model.Preset;
import java.nio.file.Path;

/**
 * Every training hyperparameter in one place, validated on construction. The CLI builds one from its
 * options; defaults are the named constants below (the CLI's defaults refer to them too); the
 * optimisation ones are {@link NetworkOptions}'s, the project's one set.
 *
 * @param preset             network size
 * @param epochs             passes over the training data (the run may stop earlier: budget, early stop)
 * @param timeBudgetMinutes  stop after this much training time; 0 for no limit
 * @param maxIterations      stop after this many minibatches; 0 for no limit (smoke runs, tests)
 * @param batchSize          images per minibatch
 * @param learningRate       Adam's base step size
 * @param schedule           how the learning rate moves over the planned iterations
 * @param weightDecay        L2 weight decay; 0 for none
 * @param dropout            drop probability in the dense layers; 0 for none
 * @param seed               the run's one seed, split by {@link SeedSplit}
 * @param validationInterval iterations between validations (and checkpoints)
 * @param validationSample   images of training and of validation data scored at each validation, the
 *                           same number from each so the two errors are comparable
 * @param patience           validations without a better best before stopping; 0 never stops early
 * @param monitorInterval    iterations between per-layer monitor snapshots; 0 for none
 * @param workers            decoding threads of the data iterator
 * @param cache              file of preprocessed crops, built on first use; null for none
 * @param jitter             training-time box, rotation and colour jitter ({@link Augmentation#NONE} for none)
 * @param preprocess         how regions become network input (the crop expansion, above all); the bundle carries it
 * @param initFrom           a bundle whose weights start the run (fine-tuning; its preset is this one or one this
 *                           deepens, {@code Deepening}); null for random
 * @param weightAverageDecay validate and keep an exponential moving average of the weights with this decay
 *                           ({@link ExponentialWeightAverage}); 0 for none, the raw weights
 * @param sharpnessRadius    take sharpness-aware steps with this radius rho ({@link SharpnessAwareStep}); 0 for
 *                           plain steps
 * @param consistency        consistency training on photos without labels ({@link Consistency}); null for none
 */
public record TrainConfig(
        Preset preset,
        int epochs,
        double timeBudgetMinutes,
        int maxIterations,
        int batchSize,
        double learningRate,
        LearningRateSchedule schedule,
        double weightDecay,
        double dropout,
        long seed,
        int validationInterval,
        int validationSample,
        int patience,
        int monitorInterval,
        int workers,
        Path cache,
        Augmentation jitter,
        PreprocessConfig preprocess,
        Path initFrom,
        double weightAverageDecay,
        double sharpnessRadius,
        Consistency consistency) {

    public static final Preset DEFAULT_PRESET = Preset.CPU;
    public static final int DEFAULT_EPOCHS = 30;
    public static final double DEFAULT_TIME_BUDGET_MINUTES = 0;
    public static final int DEFAULT_MAX_ITERATIONS = 0;
    public static final int DEFAULT_BATCH_SIZE = 32;
    public static final double DEFAULT_LEARNING_RATE = NetworkOptions.DEFAULT_LEARNING_RATE;
    public static final LearningRateSchedule DEFAULT_SCHEDULE = LearningRateSchedule.COSINE;
    public static final double DEFAULT_WEIGHT_DECAY = NetworkOptions.DEFAULT_WEIGHT_DECAY;
    public static final double DEFAULT_DROPOUT = NetworkOptions.DEFAULT_DROPOUT;
    public static final long DEFAULT_SEED = 42;
    public static final int DEFAULT_VALIDATION_INTERVAL = 200;
    public static final int DEFAULT_VALIDATION_SAMPLE = 1000;
    public static final int DEFAULT_PATIENCE = 10;
    public static final int DEFAULT_MONITOR_INTERVAL = 100;
    public static final int DEFAULT_WORKERS = 2;
    /** No weight average: the raw weights are validated and kept, as in every run before the option existed. */
    public static final double DEFAULT_WEIGHT_AVERAGE_DECAY = 0;
    /** Plain steps, as in every run before the option existed. */
    public static final double DEFAULT_SHARPNESS_RADIUS = 0;

    /** Without consistency training. */
    public TrainConfig(Preset preset, int epochs, double timeBudgetMinutes, int maxIterations, int batchSize,
                       double learningRate, LearningRateSchedule schedule, double weightDecay, double dropout, long seed,
                       int validationInterval, int validationSample, int patience, int monitorInterval, int workers,
                       Path cache, Augmentation jitter, PreprocessConfig preprocess, Path initFrom,
                       double weightAverageDecay, double sharpnessRadius) {
        this(preset, epochs, timeBudgetMinutes, maxIterations, batchSize, learningRate, schedule, weightDecay, dropout,
                seed, validationInterval, validationSample, patience, monitorInterval, workers, cache, jitter, preprocess,
                initFrom, weightAverageDecay, sharpnessRadius, null);
    }

    /** No jitter, the standard preprocessing, random initial weights. */
    public TrainConfig(Preset preset, int epochs, double timeBudgetMinutes, int maxIterations, int batchSize,
                       double learningRate, LearningRateSchedule schedule, double weightDecay, double dropout, long seed,
                       int validationInterval, int validationSample, int patience, int monitorInterval, int workers,
                       Path cache) {
        this(preset, epochs, timeBudgetMinutes, maxIterations, batchSize, learningRate, schedule, weightDecay, dropout,
                seed, validationInterval, validationSample, patience, monitorInterval, workers, cache,
                Augmentation.NONE, PreprocessConfig.DEFAULT, null, DEFAULT_WEIGHT_AVERAGE_DECAY,
                DEFAULT_SHARPNESS_RADIUS);
    }

    public TrainConfig {
        require(jitter != null, "a training run needs an augmentation (Augmentation.NONE for none)");
        require(preprocess != null, "a training run needs a preprocessing config");
        require(cache == null || !jitter.jittersBox(), "a crop cache holds fixed crops: it cannot serve box jitter;"
                + " leave out --cache or use --no-jitter");
        require(preset != null, "a training run needs a preset");
        require(epochs >= 1, "epochs must be at least 1, got " + epochs);
        require(timeBudgetMinutes >= 0 && Double.isFinite(timeBudgetMinutes),
                "the time budget must be 0 (none) or a positive number of minutes, got " + timeBudgetMinutes);
        require(maxIterations >= 0, "max iterations must be 0 (none) or positive, got " + maxIterations);
        require(batchSize >= 1, "batch size must be at least 1, got " + batchSize);
        require(learningRate > 0 && learningRate < 1, "learning rate must be in (0, 1), got " + learningRate);
        require(schedule != null, "a training run needs a learning-rate schedule");
        require(weightDecay >= 0 && weightDecay < 1, "weight decay must be in [0, 1), got " + weightDecay);
        require(dropout >= 0 && dropout < 1, "dropout must be a probability in [0, 1), got " + dropout);
        require(validationInterval >= 1, "validation interval must be at least 1 iteration, got " + validationInterval);
        require(validationSample >= 1, "validation sample must be at least 1 image, got " + validationSample);
        require(patience >= 0, "patience must be 0 (never stop early) or positive, got " + patience);
        require(monitorInterval >= 0, "monitor interval must be 0 (off) or positive, got " + monitorInterval);
        require(workers >= 1, "workers must be at least 1, got " + workers);
        require(weightAverageDecay == 0 || (weightAverageDecay > 0 && weightAverageDecay < 1),
                "the weight-average decay must be 0 (none) or in (0, 1), e.g. 0.999, got " + weightAverageDecay);
        require(sharpnessRadius == 0 || SharpnessAwareStep.isRadius(sharpnessRadius),
                "the sharpness-aware radius must be 0 (plain steps) or positive, e.g. 0.05, got " + sharpnessRadius);
    }

    /** This configuration with sharpness-aware steps of radius {@code radius} (0: plain). */
    public TrainConfig withSharpnessRadius(double radius) {
        return new TrainConfig(preset, epochs, timeBudgetMinutes, maxIterations, batchSize, learningRate, schedule,
                weightDecay, dropout, seed, validationInterval, validationSample, patience, monitorInterval, workers,
                cache, jitter, preprocess, initFrom, weightAverageDecay, radius, consistency);
    }

    /** This configuration with consistency training as {@code c} says (null: none). */
    public TrainConfig withConsistency(Consistency c) {
        return new TrainConfig(preset, epochs, timeBudgetMinutes, maxIterations, batchSize, learningRate, schedule,
                weightDecay, dropout, seed, validationInterval, validationSample, patience, monitorInterval, workers,
                cache, jitter, preprocess, initFrom, weightAverageDecay, sharpnessRadius, c);
    }

    /** The defaults for a preset. */
    public static TrainConfig defaults(Preset preset) {
        return new TrainConfig(preset, DEFAULT_EPOCHS, DEFAULT_TIME_BUDGET_MINUTES, DEFAULT_MAX_ITERATIONS,
                DEFAULT_BATCH_SIZE, DEFAULT_LEARNING_RATE, DEFAULT_SCHEDULE, DEFAULT_WEIGHT_DECAY, DEFAULT_DROPOUT,
                DEFAULT_SEED, DEFAULT_VALIDATION_INTERVAL, DEFAULT_VALIDATION_SAMPLE, DEFAULT_PATIENCE,
                DEFAULT_MONITOR_INTERVAL, DEFAULT_WORKERS, null);
    }

    /** The optimisation settings the network is built with. */
    public NetworkOptions networkOptions() {
        return new NetworkOptions(learningRate, weightDecay, dropout, SeedSplit.of(seed).init());
    }

    /** Iterations the run plans to take (the schedule's horizon): the epochs, capped by max iterations. */
    public long plannedIterations(long batchesPerEpoch) {
        long planned = (long) epochs * batchesPerEpoch;
        return maxIterations > 0 ? Math.min(planned, maxIterations) : planned;
    }

    /** The loop's plan for a run over {@code batchesPerEpoch} minibatches an epoch. */
    TrainingLoop.Plan loopPlan(long batchesPerEpoch) {
        return new TrainingLoop.Plan(plannedIterations(batchesPerEpoch), timeBudgetMinutes, schedule, learningRate,
                validationInterval, patience, seed);
    }

    /** A text that must match between a checkpoint and the run resuming it. */
    String runIdentity() {
        String identity = "preset=" + preset + " seed=" + seed + " batch=" + batchSize;
        // Unchanged without an average, sharpness-aware steps or consistency training, so checkpoints written before the options
        // existed still resume.
        if (weightAverageDecay > 0) {
            identity += " weight-average=" + weightAverageDecay;
        }
        if (sharpnessRadius > 0) {
            identity += " sharpness-radius=" + sharpnessRadius;
        }
        return consistency == null ? identity : identity + " " + consistency.identity();
    }

    /** The run's sharpness-aware step, or null for plain steps. */
    SharpnessAwareStep sharpnessAwareStep() {
        return sharpnessRadius > 0 ? new SharpnessAwareStep(sharpnessRadius) : null;
    }

    /** Whether the run validates and keeps a running average of its weights. */
    boolean averagesWeights() {
        return weightAverageDecay > 0;
    }

    private static void require(boolean ok, String sentence) {
        if (!ok) {
            throw new IllegalArgumentException(sentence);
        }
    }
}
