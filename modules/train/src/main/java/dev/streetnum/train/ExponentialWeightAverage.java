package dev.streetnum.train;

import dev.streetnum.model.SubnormalWeights;
import java.util.function.Supplier;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An exponential moving average of a network's weights during training (Polyak averaging in its exponential
 * form, as TensorFlow's {@code ExponentialMovingAverage} keeps it; DESIGN section 4). After update t (t = 1, 2,
 * ...), {@code average <- d_t * average + (1 - d_t) * weights} with {@code d_t = min(decay, (1 + t) / (10 + t))}:
 * early on the average follows the weights closely, so it is not held back by the starting weights for the
 * thousands of iterations a decay of 0.999 would otherwise take to forget them.
 *
 * <p>The raw weights go on training; validation and the saved best model see the average, which lies in the
 * middle of the noisy path the last few thousand minibatches took, where the raw weights sit at one end of it.
 */
final class ExponentialWeightAverage {

    private final double decay;
    private final INDArray average;

    private ExponentialWeightAverage(double decay, INDArray average) {
        if (!(decay > 0 && decay < 1)) {
            throw new IllegalArgumentException("the weight-average decay must be in (0, 1), got " + decay);
        }
        this.decay = decay;
        this.average = average;
    }

    /** An average that starts at {@code net}'s current weights. */
    static ExponentialWeightAverage startingAt(ComputationGraph net, double decay) {
        return new ExponentialWeightAverage(decay, net.params().dup());
    }

    /** An average resumed from a checkpoint's {@code saved} weights, refusing those of another network's size. */
    static ExponentialWeightAverage resumedAt(INDArray saved, ComputationGraph net, double decay) {
        if (saved.length() != net.numParams()) {
            throw new IllegalArgumentException("the checkpoint's weight average has " + saved.length()
                    + " values; the network has " + net.numParams() + " parameters");
        }
        return new ExponentialWeightAverage(decay, saved.reshape(net.params().shape()).castTo(net.params().dataType()));
    }

    /** The decay applied at update {@code t} (1 for the first update after the start). */
    static double decayAt(double decay, long t) {
        return Math.min(decay, (1.0 + t) / (10.0 + t));
    }

    /** Folds {@code net}'s weights into the average as update {@code t}. */
    void update(ComputationGraph net, long t) {
        INDArray weights = net.params();
        // d * a + (1 - d) * w, written as d * (a - w) + w so it runs in place.
        average.subi(weights).muli(decayAt(decay, t)).addi(weights);
        // Where the weights are zero the average decays geometrically into subnormals.
        SubnormalWeights.flushToZero(average);
    }

    /**
     * Runs {@code scoring} with the averaged weights in {@code net}, then puts the raw weights back: training
     * goes on from exactly where it was.
     */
    <T> T withAverageIn(ComputationGraph net, Supplier<T> scoring) {
        INDArray raw = net.params().dup();
        net.setParams(average);
        try {
            return scoring.get();
        } finally {
            net.setParams(raw);
        }
    }

    /** The averaged weights (a copy): a checkpoint saves them. */
    INDArray weights() {
        return average.dup();
    }
}
