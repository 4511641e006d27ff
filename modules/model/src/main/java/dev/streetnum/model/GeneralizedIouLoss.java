package dev.streetnum.model;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A localizer loss on the boxes themselves, not their four numbers: the generalized IoU loss (Rezatofighi
 * et al., CVPR 2019), 1 - IoU + (C - U) / C per example, U the union of the predicted and true boxes and C
 * the smallest box enclosing both. The boxes are decoded from the {@link BoxEncoding} values in
 * photo-relative units; IoU and C/U do not change when either axis is scaled, so a number costs the same
 * at every size and aspect, and the enclosing-box term still pulls a box that misses the number towards
 * it (plain 1 - IoU has no slope there). The boxes are priced with their log sizes clamped to
 * [{@link #MIN_LOG}, {@link #MAX_LOG}], and a log size outside that range adds its distance from it to
 * the loss: an untrained network's first steps throw sizes far out (measured: e^6 photo widths after one
 * Adam step), where the box's terms have no slope that would bring them back (a box around everything
 * prices the same at every larger size), so without that pull the sizes ran away and the loss stuck at 2.
 *
 * <p>Only training uses it; the network's outputs mean what they always did.
 */
public final class GeneralizedIouLoss extends BoxLoss {

    private static final long serialVersionUID = 1L;
    /** Log of the smallest relative side a predicted box is priced at: the one {@link BoxEncoding#decode} reads. */
    static final double MIN_LOG = BoxEncoding.MIN_LOG_SIZE;
    /** Log of the largest: a box e^2 times its photo, far past any number. */
    static final double MAX_LOG = 2;

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        double[][] t = labels.toDoubleMatrix();
        double[][] p = output(preOutput, activationFn).toDoubleMatrix();
        double[] score = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            score[i] = lossAndSlope(t[i], p[i], null);
        }
        INDArray scores = Nd4j.createFromArray(score).castTo(labels.dataType()).reshape(t.length, 1);
        return mask == null ? scores : scores.muli(perExample(mask, labels));
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        double[][] t = labels.toDoubleMatrix();
        double[][] p = output(preOutput, activationFn).toDoubleMatrix();
        double[][] slope = new double[t.length][BoxEncoding.VALUES];
        for (int i = 0; i < t.length; i++) {
            lossAndSlope(t[i], p[i], slope[i]);
        }
        INDArray dLdOut = Nd4j.createFromArray(slope).castTo(preOutput.dataType());
        if (mask != null) {
            dLdOut.muliColumnVector(perExample(mask, labels));
        }
        return activationFn.backprop(preOutput.dup(), dLdOut).getFirst();
    }

    /**
     * One example's loss; with {@code slope} non-null, also its derivative by each of the four outputs.
     *
     * @param target (cx, cy, ln w, ln h) of the true box, photo-relative
     * @param output the same four of the predicted box
     */
    static double lossAndSlope(double[] target, double[] output, double[] slope) {
        double tw = Math.exp(target[2]);
        double th = Math.exp(target[3]);
        double logW = Math.max(MIN_LOG, Math.min(MAX_LOG, output[2]));
        double logH = Math.max(MIN_LOG, Math.min(MAX_LOG, output[3]));
        double w = Math.exp(logW);
        double h = Math.exp(logH);
        Side x = new Side(output[0] - w / 2, output[0] + w / 2, target[0] - tw / 2, target[0] + tw / 2);
        Side y = new Side(output[1] - h / 2, output[1] + h / 2, target[1] - th / 2, target[1] + th / 2);
        double overlap = x.overlap() * y.overlap();
        double union = w * h + tw * th - overlap;
        double enclosing = x.enclosing() * y.enclosing();
        double loss = 1 - overlap / union + (enclosing - union) / enclosing
                + Math.abs(output[2] - logW) + Math.abs(output[3] - logH);
        if (slope != null) {
            // L = 2 - I/U - U/C with U = A + T - I: its partial derivatives by I, A (the predicted area) and C.
            double byOverlap = -(union + overlap) / (union * union) + 1 / enclosing;
            double byArea = overlap / (union * union) - 1 / enclosing;
            double byEnclosing = union / (enclosing * enclosing);
            double[] dx = x.slope(byOverlap * y.overlap(), byEnclosing * y.enclosing());
            double[] dy = y.slope(byOverlap * x.overlap(), byEnclosing * x.enclosing());
            slope[0] = dx[0] + dx[1];
            slope[1] = dy[0] + dy[1];
            // A side's ends move by -/+ half its length: d/d ln w = w (dA/dw + (d/dhigh - d/dlow) / 2).
            slope[2] = output[2] != logW ? Math.signum(output[2] - logW) : w * (byArea * h + (dx[1] - dx[0]) / 2);
            slope[3] = output[3] != logH ? Math.signum(output[3] - logH) : h * (byArea * w + (dy[1] - dy[0]) / 2);
        }
        return loss;
    }

    /** One axis of the predicted [low, high] and true [trueLow, trueHigh] intervals. */
    private record Side(double low, double high, double trueLow, double trueHigh) {

        double overlap() {
            return Math.max(0, Math.min(high, trueHigh) - Math.max(low, trueLow));
        }

        double enclosing() {
            return Math.max(high, trueHigh) - Math.min(low, trueLow);
        }

        /**
         * The loss's derivative by this side's two predicted ends, {low, high}.
         *
         * @param byOverlapLength dL/d(overlap length) on this axis
         * @param byEnclosingLength dL/d(enclosing length) on this axis
         */
        double[] slope(double byOverlapLength, double byEnclosingLength) {
            boolean overlapping = overlap() > 0;
            double dLow = (overlapping && low > trueLow ? -byOverlapLength : 0) + (low < trueLow ? -byEnclosingLength : 0);
            double dHigh = (overlapping && high < trueHigh ? byOverlapLength : 0) + (high > trueHigh ? byEnclosingLength : 0);
            return new double[] {dLow, dHigh};
        }
    }
}
