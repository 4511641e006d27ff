package dev.streetnum.model;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * What the localizer's own losses share: one score per example (a box is kept or dropped whole by a
 * mask), the total or mean of those, and equality by kind (they hold no state, so the stored network's
 * configuration names the loss by its class alone).
 */
abstract class BoxLoss implements ILossFunction {

    private static final long serialVersionUID = 1L;

    @Override
    public final double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                                     boolean average) {
        double sum = computeScoreArray(labels, preOutput, activationFn, mask).sumNumber().doubleValue();
        return average ? sum / labels.size(0) : sum;
    }

    @Override
    public final Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput,
                                                                IActivation activationFn, INDArray mask,
                                                                boolean average) {
        return Pair.of(computeScore(labels, preOutput, activationFn, mask, average),
                computeGradient(labels, preOutput, activationFn, mask));
    }

    @Override
    public final String name() {
        return getClass().getSimpleName();
    }

    @Override
    public final String toString() {
        return name();
    }

    @Override
    public final boolean equals(Object other) {
        return other != null && other.getClass() == getClass();
    }

    @Override
    public final int hashCode() {
        return getClass().hashCode();
    }

    /** A mask of one value per example, as a column. */
    final INDArray perExample(INDArray mask, INDArray labels) {
        if (mask.length() != labels.size(0)) {
            throw new IllegalArgumentException(name() + " takes one mask value per example, got a mask of shape "
                    + java.util.Arrays.toString(mask.shape()));
        }
        return mask.reshape(labels.size(0), 1).castTo(labels.dataType());
    }

    /** The network's output (the activation of the pre-output), leaving the pre-output as it was. */
    static INDArray output(INDArray preOutput, IActivation activationFn) {
        return activationFn.getActivation(preOutput.dup(), true);
    }
}
