package dev.streetnum.train;

import dev.streetnum.model.LocalizerInput;
import dev.streetnum.model.LocalizerNetwork;
import java.nio.file.Path;

/**
 * How a localizer is trained (issue 14); every value has a default here and a {@code train-localizer} option.
 *
 * @param input             the size the whole photo is stretched to (multiples of 16)
 * @param minutes           training time budget; the cosine learning-rate decay spans it
 * @param maxIterations     stop after this many minibatches too (0: only the budget ends the run)
 * @param batchSize         photos per minibatch
 * @param learningRate      Adam's base rate
 * @param seed              the run's seed (initialisation, sampling and framing)
 * @param validateEvery     minibatches between validations (mean IoU on the validation photos)
 * @param naturalShare      share of training views showing the photo at its natural framing
 * @param paddedShare       share of the re-framed views that may reach past the photo (border replicated)
 * @param maxPadding        how far past the photo such a view may reach, as a fraction of its width/height
 * @param width             channel multiplier of the network ({@link LocalizerNetwork#build(int, int, long, double)})
 * @param loss              what training minimises ({@link LocalizerNetwork.Loss}); with initFrom, the start is
 *                          trained on with this loss whatever it was trained with
 * @param initFrom          a bundle whose localizer (of this input and width) starts the run, to train it on
 *                          for longer or on more data; null for random weights
 */
public record LocalizerConfig(LocalizerInput input, double minutes, long maxIterations, int batchSize, double learningRate,
                              long seed, int validateEvery, double naturalShare, double paddedShare,
                              double maxPadding, int width, LocalizerNetwork.Loss loss, Path initFrom) {

    public static final int DEFAULT_INPUT_SIDE = 64;
    public static final double DEFAULT_MINUTES = 20;
    public static final long DEFAULT_MAX_ITERATIONS = 0;
    public static final int DEFAULT_BATCH_SIZE = 64;
    public static final double DEFAULT_LEARNING_RATE = 1e-3;
    public static final long DEFAULT_SEED = 14;
    public static final int DEFAULT_VALIDATE_EVERY = 250;
    public static final double DEFAULT_NATURAL_SHARE = 0.4;
    public static final double DEFAULT_PADDED_SHARE = 0.3;
    public static final double DEFAULT_MAX_PADDING = 0.5;
    public static final int DEFAULT_WIDTH = 1;
    public static final LocalizerNetwork.Loss DEFAULT_LOSS = LocalizerNetwork.Loss.L2;

    public LocalizerConfig {
        if (input == null) {
            throw new IllegalArgumentException("a localizer run needs an input size");
        }
        if (!(minutes >= 0) || (minutes == 0 && maxIterations <= 0)) {
            throw new IllegalArgumentException("give a positive time budget in minutes or a maximum number of iterations"
                    + " (got minutes=" + minutes + ", max iterations=" + maxIterations + ")");
        }
        if (maxIterations < 0) {
            throw new IllegalArgumentException("max iterations must be 0 (none) or positive, got " + maxIterations);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("the batch size must be at least 1, got " + batchSize);
        }
        if (!(learningRate > 0 && learningRate < 1)) {
            throw new IllegalArgumentException("the learning rate must be in (0, 1), got " + learningRate);
        }
        if (validateEvery < 1) {
            throw new IllegalArgumentException("validate-every must be at least 1 minibatch, got " + validateEvery);
        }
        if (width < 1 || width > LocalizerNetwork.MAX_WIDTH) {
            throw new IllegalArgumentException("the localizer's width must be in [1, " + LocalizerNetwork.MAX_WIDTH
                    + "], got " + width);
        }
        if (loss == null) {
            throw new IllegalArgumentException("a localizer run needs a loss: " + java.util.Arrays.toString(LocalizerNetwork.Loss.values()));
        }
        requireFraction("natural share", naturalShare);
        requireFraction("padded share", paddedShare);
        if (!(maxPadding >= 0 && maxPadding <= 2)) {
            throw new IllegalArgumentException("max padding must be in [0, 2] (a fraction of the photo), got " + maxPadding);
        }
    }

    /** The defaults with this budget, iteration cap and seed (tests, short runs). */
    public static LocalizerConfig defaults(double minutes, long maxIterations, long seed) {
        return new LocalizerConfig(new LocalizerInput(DEFAULT_INPUT_SIDE, DEFAULT_INPUT_SIDE), minutes, maxIterations,
                DEFAULT_BATCH_SIZE, DEFAULT_LEARNING_RATE, seed, DEFAULT_VALIDATE_EVERY, DEFAULT_NATURAL_SHARE,
                DEFAULT_PADDED_SHARE, DEFAULT_MAX_PADDING, DEFAULT_WIDTH, DEFAULT_LOSS, null);
    }

    /** The loop's plan: the budget and iteration cap, a cosine decay over them, validation every {@link #validateEvery}. */
    TrainingLoop.Plan loopPlan() {
        return new TrainingLoop.Plan(maxIterations > 0 ? maxIterations : TrainingLoop.UNLIMITED, minutes,
                LearningRateSchedule.COSINE, learningRate, validateEvery, 0, seed);
    }

    private static void requireFraction(String name, double v) {
        if (!(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1], got " + v);
        }
    }
}
