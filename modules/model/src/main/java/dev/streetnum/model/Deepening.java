package dev.streetnum.model;

import java.util.Arrays;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A trained network given more depth without changing what it computes (Net2DeeperNet, Chen,
 * Goodfellow and Shlens 2016; DESIGN section 4): the deeper preset is the shallower one with
 * pool-less convolutions inserted, each keeping its channels. An inserted convolution starts as the
 * identity (the centre tap 1 from each channel to itself, every other weight and the bias 0), and
 * since what it reads has passed a ReLU (and maybe a max-pool) it is never negative, so its ReLU
 * passes it unchanged: the deeper network's outputs are the shallower one's until training moves them.
 */
public final class Deepening {

    private static final int INSERTED = -1;

    private final Preset from;
    private final Preset to;
    /** For each of {@code to}'s convolutions, the index of {@code from}'s it copies, or INSERTED. */
    private final int[] sourceLayers;

    private Deepening(Preset from, Preset to, int[] sourceLayers) {
        this.from = from;
        this.to = to;
        this.sourceLayers = sourceLayers;
    }

    /**
     * The way {@code to} deepens {@code from}, or an error saying why it does not: the same kernel,
     * pools, dense layers and no batch normalization (an identity through batch norm would need its
     * statistics); {@code from}'s convolutions in order, and between them only pool-less convolutions
     * that keep their channels, none first (the photo's normalised pixels can be negative).
     */
    public static Deepening of(Preset from, Preset to) {
        String refusal = "a " + from + " network cannot be deepened to " + to + ": ";
        if (from.kernel() != to.kernel() || from.padPools() != to.padPools() || from.batchNorm() || to.batchNorm()
                || !Arrays.equals(denseWidths(from), denseWidths(to))) {
            throw new IllegalArgumentException(refusal + "it needs the same kernel, pools and dense layers and no"
                    + " batch normalization");
        }
        int[] sources = new int[to.convLayers()];
        int next = 0;
        int channels = -1;
        for (int i = 0; i < to.convLayers(); i++) {
            if (next < from.convLayers() && to.convChannels(i) == from.convChannels(next)
                    && to.poolStride(i) == from.poolStride(next)) {
                sources[i] = next++;
            } else if (i > 0 && to.poolStride(i) == Preset.NO_POOL && to.convChannels(i) == channels) {
                sources[i] = INSERTED;
            } else {
                throw new IllegalArgumentException(refusal + "its convolution " + (i + 1) + " is neither "
                        + from + "'s next one nor a pool-less one that keeps " + channels + " channels");
            }
            channels = to.convChannels(i);
        }
        if (next != from.convLayers()) {
            throw new IllegalArgumentException(refusal + "it lacks the last " + (from.convLayers() - next)
                    + " of " + from + "'s convolutions");
        }
        return new Deepening(from, to, sources);
    }

    /**
     * Writes {@code source}'s parameters into {@code target} (built with the deeper preset), the inserted
     * convolutions as identities. Layer names are {@link StreetNumberNetwork}'s.
     */
    public void copy(ComputationGraph source, ComputationGraph target) {
        for (int i = 0; i < sourceLayers.length; i++) {
            String name = "conv" + (i + 1);
            if (sourceLayers[i] == INSERTED) {
                target.getLayer(name).setParam("W", identityKernel(target.getLayer(name).getParam("W")));
                target.getLayer(name).setParam("b", target.getLayer(name).getParam("b").mul(0));
            } else {
                String copied = "conv" + (sourceLayers[i] + 1);
                target.getLayer(name).setParam("W", source.getLayer(copied).getParam("W"));
                target.getLayer(name).setParam("b", source.getLayer(copied).getParam("b"));
            }
        }
        for (int i = 0; i < to.denseLayers(); i++) {
            copyLayer(source, target, "dense" + (i + 1));
        }
        for (String head : StreetNumberNetwork.OUTPUTS) {
            copyLayer(source, target, head);
        }
    }

    private static void copyLayer(ComputationGraph source, ComputationGraph target, String name) {
        target.getLayer(name).setParams(source.getLayer(name).params());
    }

    /** [out, in, k, k] with out = in: 1 at the centre from each channel to itself, 0 elsewhere. */
    private static INDArray identityKernel(INDArray like) {
        INDArray kernel = like.mul(0);
        long centre = like.size(2) / 2;
        for (long c = 0; c < like.size(0); c++) {
            kernel.putScalar(new long[] {c, c, centre, centre}, 1.0);
        }
        return kernel;
    }

    private static int[] denseWidths(Preset preset) {
        int[] widths = new int[preset.denseLayers()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = preset.denseWidth(i);
        }
        return widths;
    }

    @Override
    public String toString() {
        return "Deepening[" + from + " -> " + to + ", " + Arrays.toString(sourceLayers) + "]";
    }
}
