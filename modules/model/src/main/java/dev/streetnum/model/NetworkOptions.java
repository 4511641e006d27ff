package dev.streetnum.model;

/**
 * Optimisation settings baked into a DL4J network configuration. Its defaults are the project's one
 * set: training ({@code TrainConfig}), the benchmark and the tests all start from them.
 *
 * @param learningRate Adam step size, in (0, 1]
 * @param weightDecay  L2 weight decay coefficient on weights (not biases); 0 for none
 * @param dropout      drop probability in the dense layers, in [0, 1); 0 for none
 * @param seed         initialisation seed
 */
public record NetworkOptions(double learningRate, double weightDecay, double dropout, long seed) {

    /** Adam's usual step size; the paper's SGD rates do not carry over to Adam. */
    public static final double DEFAULT_LEARNING_RATE = 1e-3;
    /** Light L2 on the weights; the shipped model was trained with it. */
    public static final double DEFAULT_WEIGHT_DECAY = 1e-4;
    /** The paper used dropout on its dense layers; 0.3 suits our smaller nets. */
    public static final double DEFAULT_DROPOUT = 0.3;
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

    /** No weight decay and no dropout: for exact loss checks and overfitting tests. */
    public NetworkOptions unregularised() {
        return new NetworkOptions(learningRate, 0, 0, seed);
    }
}
