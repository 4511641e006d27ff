package dev.streetnum.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One minibatch step of sharpness-aware minimisation (SAM; Foret et al. 2021, "Sharpness-Aware
 * Minimization for Efficiently Improving Generalization"): the update is the one the optimiser would
 * make from the loss gradient at w + e, where e = rho g / ||g|| steps up the gradient g at w, and it is
 * applied to w. The loss is so made to fall in a whole neighbourhood of radius rho, which finds flatter
 * minima; Zhu et al. 2022 ("Rethinking Confidence Calibration for Failure Prediction") found such minima
 * rank a network's right answers above its wrong ones better, which is what coverage at 98% measures.
 *
 * <p>The network's own {@code fit} makes the update, so the optimiser (Adam, its moments, the L2 term)
 * and the label masks are exactly the plain step's; it runs at w + e and e is taken back out after,
 * which gives w - update(grad(w + e)). The optimiser's L2 term is so taken at w + e, not w: a
 * difference of rho times the decay, far below the update. Both passes draw the same dropout masks.
 * A step costs two forward and backward passes where the plain step costs one.
 */
final class SharpnessAwareStep {

    /** A zero gradient has no direction to step up; the radius is divided by the norm plus this. */
    private static final double NORM_FLOOR = 1e-12;

    private final double radius;

    /** @param radius rho, the neighbourhood's L2 radius in weight space; positive */
    SharpnessAwareStep(double radius) {
        if (!isRadius(radius)) {
            throw new IllegalArgumentException("the sharpness-aware radius must be a positive number, got " + radius);
        }
        this.radius = radius;
    }

    /** Whether {@code radius} can be a step's radius: positive and finite. */
    static boolean isRadius(double radius) {
        return radius > 0 && Double.isFinite(radius);
    }

    double radius() {
        return radius;
    }

    /**
     * Trains {@code net} one step on {@code batch}.
     *
     * @param dropoutSeed seeds ND4J's generator before each of the two passes, so they drop the same units
     */
    void fit(ComputationGraph net, MultiDataSet batch, long dropoutSeed) {
        Nd4j.getRandom().setSeed(dropoutSeed);
        net.setInputs(batch.getFeatures());
        net.setLabels(batch.getLabels());
        net.setLayerMaskArrays(batch.getFeaturesMaskArrays(), batch.getLabelsMaskArrays());
        net.computeGradientAndScore();
        net.clearLayerMaskArrays();
        INDArray weights = net.params();
        // The flattened gradient is a view the next pass overwrites (and a row where the weights are a
        // vector): e is a copy in the weights' shape, scaled in place.
        INDArray ascent = net.getFlattenedGradients().dup().reshape(weights.shape());
        double norm = ascent.norm2Number().doubleValue();
        ascent.muli(radius / (norm + NORM_FLOOR));
        weights.addi(ascent);
        Nd4j.getRandom().setSeed(dropoutSeed);
        net.fit(batch);
        weights.subi(ascent);
    }
}
