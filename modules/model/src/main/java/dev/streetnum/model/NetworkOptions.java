package dev.streetnum.model;

/**
 * Optimisation settings baked into a DL4J network configuration.
 *
 * @param learningRate Adam step size, in (0, 1]
 * @param weightDecay  L2 weight decay coefficient on weights (not biases); 0 for none
 * @param dropout      drop probability in the dense layers, in [0, 1); 0 for none
 * @param seed         initialisation seed
 */
public record NetworkOptions(double learningRate, double weightDecay, double dropout, long seed) {

    /** Adam's customary step size. */
    public static final double DEFAULT_LEARNING_RATE = 1e-3;
    /** Light L2: the paper regularises mainly with dropout. */
    public static final double DEFAULT_WEIGHT_DECAY = 1e-5;
    /** Dense-layer dropout, as in the paper. */
    public static final double DEFAULT_DROPOUT = 0.5;
    public static final long DEFAULT_SEED = 42;

    public static final NetworkOptions DEFAULT =
            new NetworkOptions(DEFAULT_LEARNING_RATE, DEFAULT_WEIGHT_DECAY, DEFAULT_DROPOUT, DEFAULT_SEED);

    public NetworkOptions {
        if (!(learningRate > 0 && learningRate <= 1)) {
            throw new IllegalArgumentException("learning rate must be in (0, 1], got " + learningRate);
        }
        if (!(weightDecay >= 0 && weightDecay < 1)) {
            throw new IllegalArgumentException("weight decay must be in [0, 1), got " + weightDecay);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException(
                    "dropout is the probability of dropping a unit, in [0, 1), got " + dropout);
        }
    }

    /** Defaults with the given seed. */
    public static NetworkOptions seeded(long seed) {
        return new NetworkOptions(DEFAULT_LEARNING_RATE, DEFAULT_WEIGHT_DECAY, DEFAULT_DROPOUT, seed);
    }

    public NetworkOptions withLearningRate(double rate) {
        return new NetworkOptions(rate, weightDecay, dropout, seed);
    }

    /** No weight decay and no dropout: for exact loss checks and overfitting tests. */
    public NetworkOptions unregularised() {
        return new NetworkOptions(learningRate, 0, 0, seed);
    }
}
