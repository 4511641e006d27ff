package dev.streetnum.model;

/**
 * Optimisation settings baked into a DL4J network configuration. TODO(issue 4): validate, defaults.
 *
 * @param learningRate Adam step size
 * @param weightDecay  L2 weight decay (0 for none)
 * @param dropout      drop probability in the dense layers (0 for none)
 * @param seed         initialisation seed
 */
public record NetworkOptions(double learningRate, double weightDecay, double dropout, long seed) {
}
