package dev.streetnum.model;

import dev.streetnum.data.SequenceLabels;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * The gradient checks the practice calls for (Goodfellow, Bengio and Courville, ch. 11.5), on a
 * TINY network with an 8x8 input in double precision, so each runs in seconds:
 * <ol>
 *   <li>DL4J's {@code GradientCheckUtil} on a spread subset of every parameter array, with the label masks of a mixed-length batch;</li>
 *   <li>our centred finite differences of -log P(S|x) with respect to the heads' logits against the
 *       analytic softmax-minus-one-hot gradient;</li>
 *   <li>random projections: f(t) = u^T g(theta + t v), g the vector of per-example -log P(S|x), whose
 *       derivative backprop gives as v . (J^T u), J^T u summed from per-example gradients.</li>
 * </ol>
 */
public final class GradientChecks {

    /** Input side of the checked network: small enough for every parameter to be perturbed. */
    static final int SIDE = 8;
    /** Entries checked per parameter array (every array is covered; ~200 checks in all), to keep it to seconds. */
    static final int PER_PARAMETER_ARRAY = 10;
    /** Centred-difference step for double precision. */
    static final double EPSILON = 1e-6;
    /** Pass mark for DL4J's check, per parameter. */
    static final double MAX_RELATIVE_ERROR = 1e-3;
    /** Differences below this are rounding, not error (DL4J's convention). */
    static final double MIN_ABSOLUTE_ERROR = 1e-8;
    /** A 0-digit, a short, a 5-digit and a ">5" number: every masking case. */
    static final List<String> NUMBERS = List.of("", "3", "12345", "1234567");

    /**
     * Pass mark for our logit check: the gradient is closed-form and the differences are in double
     * precision, so a right gradient gives about 1e-9; 1e-6 leaves room and still catches a wrong term.
     */
    public static final double LOGIT_TOLERANCE = 1e-6;
    /**
     * Pass mark for the random projections: f'(0) sums every parameter's rounding, so a right gradient
     * gives about 1e-8 here; 1e-5 still catches any wrong layer.
     */
    public static final double PROJECTION_TOLERANCE = 1e-5;

    /** What the checks found. Relative error is |a - b| / (|a| + |b|). */
    public record Report(boolean dl4jPassed, long parameters, double logitMaxRelativeError,
                         double projectionMaxRelativeError, int projections) {

        public boolean logitPassed() {
            return logitMaxRelativeError <= LOGIT_TOLERANCE;
        }

        public boolean projectionPassed() {
            return projectionMaxRelativeError <= PROJECTION_TOLERANCE;
        }

        /** All three checks within their tolerances: what {@code streetnum gradcheck}'s exit code says. */
        public boolean passed() {
            return dl4jPassed && logitPassed() && projectionPassed();
        }
    }

    /** d(-log P(S|x))/d(logits) as a function of the logits and the number: the thing the logit check checks. */
    @FunctionalInterface
    interface LogitGradient {
        double[][] of(double[][] logits, String number);
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GradientChecks.class);

    private GradientChecks() {
    }

    /** Runs all three checks; ND4J's default data types are restored afterwards. */
    public static Report run(long seed, int projections) {
        DataType previous = Nd4j.defaultFloatingPointType();
        DataType previousNetwork = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            ComputationGraph net = network(seed);
            MultiDataSet batch = batch(seed);
            boolean passed = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig()
                    .net(net)
                    .inputs(batch.getFeatures())
                    .labels(batch.getLabels())
                    .labelMask(batch.getLabelsMaskArrays())
                    .epsilon(EPSILON)
                    .maxRelError(MAX_RELATIVE_ERROR)
                    .minAbsoluteError(MIN_ABSOLUTE_ERROR)
                    .subset(true)
                    .maxPerParam(PER_PARAMETER_ARRAY)
                    .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
            return new Report(passed, net.numParams(), logitCheck(seed), projectionCheck(net, batch, seed, projections),
                    projections);
        } finally {
            Nd4j.setDefaultDataTypes(previousNetwork, previous);
        }
    }

    /** The checked network: TINY on 8x8 input, double precision, NoOp updater, no regularisation. */
    static ComputationGraph network(long seed) {
        return StreetNumberNetwork.build(Preset.TINY, NetworkOptions.seeded(seed).unregularised(), SIDE,
                DataType.DOUBLE, new NoOp());
    }

    static MultiDataSet batch(long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray features = Nd4j.rand(DataType.DOUBLE, NUMBERS.size(), 3, SIDE, SIDE).subi(0.5);
        return SequenceBatch.of(features, NUMBERS);
    }

    /** Max relative error of the analytic d(-log P(S|x))/d(logits) against centred differences. */
    static double logitCheck(long seed) {
        return logitCheck(seed, SequenceLikelihood::gradientWrtLogits);
    }

    /** The same for any claimed gradient (a test hands in a broken one). */
    static double logitCheck(long seed, LogitGradient gradient) {
        Random random = new Random(seed);
        double worst = 0;
        for (String number : NUMBERS) {
            double[][] logits = new double[SequenceLabels.HEADS][];
            for (int h = 0; h < logits.length; h++) {
                logits[h] = new double[h == 0 ? SequenceLabels.LENGTH_CLASSES : SequenceLabels.DIGIT_CLASSES];
                for (int j = 0; j < logits[h].length; j++) {
                    logits[h][j] = 2 * random.nextGaussian();
                }
            }
            double[][] analytic = gradient.of(logits, number);
            for (int h = 0; h < logits.length; h++) {
                for (int j = 0; j < logits[h].length; j++) {
                    double saved = logits[h][j];
                    logits[h][j] = saved + EPSILON;
                    double plus = SequenceLikelihood.negativeLogLikelihood(logits, number);
                    logits[h][j] = saved - EPSILON;
                    double minus = SequenceLikelihood.negativeLogLikelihood(logits, number);
                    logits[h][j] = saved;
                    worst = Math.max(worst, relativeError(analytic[h][j], (plus - minus) / (2 * EPSILON)));
                }
            }
        }
        return worst;
    }

    /** Max relative error between backprop's and centred differences' f'(0) over random (u, v). */
    static double projectionCheck(ComputationGraph net, MultiDataSet batch, long seed, int projections) {
        return projectionCheck(net, batch, seed, projections,
                (heads, e) -> -SequenceLikelihood.logProbability(heads, NUMBERS.get(e)));
    }

    /** One example's loss from the network's six head distributions, computed in plain Java. */
    interface ExampleLoss {
        double of(double[][] heads, int example);
    }

    /** {@link #projectionCheck} against {@code loss}, the loss the batch's labels are meant to train. */
    static double projectionCheck(ComputationGraph net, MultiDataSet batch, long seed, int projections, ExampleLoss loss) {
        Random random = new Random(seed + 1);
        INDArray theta = net.params().dup();
        int mb = (int) batch.getFeatures(0).size(0);
        double worst = 0;
        for (int p = 0; p < projections; p++) {
            double[] u = new double[mb];
            for (int e = 0; e < mb; e++) {
                u[e] = random.nextGaussian();
            }
            double[] direction = new double[(int) theta.length()];
            for (int i = 0; i < direction.length; i++) {
                direction[i] = random.nextGaussian();
            }
            INDArray v = Nd4j.create(direction, theta.shape(), DataType.DOUBLE);

            // Backprop gives J^T u = sum_i u_i grad loss_i, one example at a time. (Label masks scaled by u_i
            // do not work: DL4J does not apply non-0/1 mask values linearly in the gradient.)
            net.setParams(theta);
            INDArray jtu = Nd4j.zeros(DataType.DOUBLE, theta.shape());
            for (int e = 0; e < mb; e++) {
                jtu.addi(exampleGradient(net, batch, e).mul(u[e]));
            }
            double backprop = jtu.reshape(-1).mul(v.reshape(-1)).sumNumber().doubleValue();

            double plus = projected(net, theta.add(v.mul(EPSILON)), batch, u, loss);
            double minus = projected(net, theta.sub(v.mul(EPSILON)), batch, u, loss);
            net.setParams(theta);
            double numeric = (plus - minus) / (2 * EPSILON);
            if (LOG.isDebugEnabled()) {
                LOG.debug("projection {}: backprop {} finite differences {}", p, backprop, numeric);
            }
            // f'(0) is one O(1) number, so no rounding floor: the printed error is the measured one.
            double scale = Math.abs(backprop) + Math.abs(numeric);
            worst = Math.max(worst, scale == 0 ? 0 : Math.abs(backprop - numeric) / scale);
        }
        return worst;
    }

    /**
     * d(-log P(S|x_e))/d(params) for example e alone: the batch with 0/1 label masks that also zero
     * every other example (DL4J's gradient is of the summed, not the mean, loss).
     */
    private static INDArray exampleGradient(ComputationGraph net, MultiDataSet batch, int e) {
        INDArray only = Nd4j.zeros(DataType.DOUBLE, batch.getFeatures(0).size(0), 1);
        only.putScalar(e, 0, 1);
        INDArray[] masks = new INDArray[SequenceLabels.HEADS];
        for (int h = 0; h < masks.length; h++) {
            masks[h] = batch.getLabelsMaskArray(h).mul(only);
        }
        net.setInputs(batch.getFeatures());
        net.setLabels(batch.getLabels());
        net.setLayerMaskArrays(null, masks);
        net.computeGradientAndScore();
        INDArray gradient = net.gradient().gradient().dup();
        net.clearLayerMaskArrays();
        return gradient;
    }

    /** u^T g(params): g the per-example loss, computed from the outputs in plain Java. */
    private static double projected(ComputationGraph net, INDArray params, MultiDataSet batch, double[] u, ExampleLoss loss) {
        net.setParams(params);
        INDArray[] out = net.output(false, batch.getFeatures(0));
        double sum = 0;
        for (int e = 0; e < u.length; e++) {
            double[][] heads = new double[out.length][];
            for (int h = 0; h < out.length; h++) {
                heads[h] = out[h].getRow(e).toDoubleVector();
            }
            sum += u[e] * loss.of(heads, e);
        }
        return sum;
    }

    static double relativeError(double a, double b) {
        double diff = Math.abs(a - b);
        if (diff < MIN_ABSOLUTE_ERROR) {
            return 0;
        }
        return diff / (Math.abs(a) + Math.abs(b));
    }
}
