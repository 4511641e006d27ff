package dev.streetnum.train;

/**
 * One layer at one monitored iteration: a row of {@code monitor.csv}.
 *
 * @param activationMean   mean of the layer's output on the minibatch (training mode)
 * @param activationStd    its standard deviation
 * @param reluOff          ReLU layers: fraction of outputs that are zero; NaN for other layers
 * @param dead             ReLU layers: fraction of units (channels, neurons) zero on the whole batch; NaN otherwise
 * @param gradientNorm     L2 norm of the raw gradient of the layer's parameters (before the updater)
 * @param parameterNorm    L2 norm of its parameters after the step
 * @param updateRatio      ||step|| / ||parameters||: about 1e-2 is healthy
 */
public record LayerStats(long iteration, String layer, double activationMean, double activationStd, double reluOff,
                         double dead, double gradientNorm, double parameterNorm, double updateRatio) {

    /** Below this the layer barely learns. */
    public static final double RATIO_LOW = 1e-4;
    /** Above this the layer's parameters are being thrown around. */
    public static final double RATIO_HIGH = 1e-1;

    /** "low", "high" or "ok" against the healthy band; "-" for a layer without parameters. */
    public String updateHealth() {
        if (Double.isNaN(updateRatio)) {
            return "-";
        }
        return updateRatio < RATIO_LOW ? "low" : updateRatio > RATIO_HIGH ? "high" : "ok";
    }
}
