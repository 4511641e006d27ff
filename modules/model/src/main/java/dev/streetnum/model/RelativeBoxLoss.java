package dev.streetnum.model;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A localizer loss that measures the centre's error in units of the number's own size: with the
 * {@link BoxEncoding} target (cx/W, cy/H, ln(w/W), ln(h/H)) and prediction p, the four errors are
 * (p0 - cx/W) / (w/W), (p1 - cy/H) / (h/H), p2 - ln(w/W), p3 - ln(h/H), each through a smooth L1 (half the
 * square within 1, linear beyond), summed. The L2 loss on the raw encoding weighs a centre error by the
 * photo's size, so a number a tenth of its photo wide can sit a whole digit off at a small cost; here a
 * centre half a box off costs the same at every size (the box regression of Faster R-CNN, whose deltas
 * are relative to the box the same way). The linear tails keep one far-off box from dominating a batch.
 *
 * <p>Only training uses it; the network's outputs mean what they always did, so a localizer trained with
 * it is read exactly as any other.
 */
public final class RelativeBoxLoss extends BoxLoss {

    private static final long serialVersionUID = 1L;

    /** Per example: the summed smooth-L1 of the relative errors. */
    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray d = output(preOutput, activationFn).subi(labels).muli(inverseScale(labels));
        INDArray a = Transforms.abs(d, true);
        INDArray q = Transforms.min(a, 1.0, true);
        // 0.5 q^2 + (a - q): half the square within 1, |d| - 0.5 beyond.
        INDArray score = q.mul(q).muli(0.5).addi(a.subi(q)).sum(1).reshape(labels.size(0), 1);
        return mask == null ? score : score.muli(perExample(mask, labels));
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray inverse = inverseScale(labels);
        INDArray d = output(preOutput, activationFn).subi(labels).muli(inverse);
        // d/dp of the smooth L1 of d: d clipped to [-1, 1], times d's own scale.
        INDArray dLdOut = Transforms.max(Transforms.min(d, 1.0, false), -1.0, false).muli(inverse);
        if (mask != null) {
            dLdOut.muliColumnVector(perExample(mask, labels));
        }
        return activationFn.backprop(preOutput.dup(), dLdOut).getFirst();
    }

    /** Per example: 1/(w/W), 1/(h/H), 1, 1, from the target's own log sizes. */
    private static INDArray inverseScale(INDArray labels) {
        INDArray inverse = Nd4j.ones(labels.dataType(), labels.size(0), BoxEncoding.VALUES);
        inverse.getColumn(0).assign(Transforms.exp(labels.getColumn(2).neg(), false));
        inverse.getColumn(1).assign(Transforms.exp(labels.getColumn(3).neg(), false));
        return inverse;
    }
}
