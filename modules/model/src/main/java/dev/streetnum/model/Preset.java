package dev.streetnum.model;

import dev.streetnum.data.PreprocessConfig;
import dev.streetnum.data.SequenceLabels;
import java.util.Locale;

/**
 * Named network sizes (DESIGN section 4). Every convolution is k x k with "same" zero padding and a
 * ReLU, followed by a 2x2 max-pool unless its pool stride is {@link #NO_POOL}; then ReLU dense
 * layers, then the six heads.
 *
 * <p>Parameter counts are computed from these shapes, so they can be quoted without building the
 * network; forward FLOPs are {@link NetworkFlops}'s count of the network's configuration (built, not
 * initialised: no weights are allocated).
 */
public enum Preset {
    /** A few thousand parameters, for tests: trains in seconds. */
    TINY(3, new int[] {4, 8, 8}, new int[] {2, 2, 2}, false, new int[] {16}),
    /** TINY with batch normalization after every convolution, for tests of the batch-norm path. */
    TINY_BN(3, new int[] {4, 8, 8}, new int[] {2, 2, 2}, false, new int[] {16}, true),
    /** TINY with a pool-less convolution after each pool: TINY deepened ({@link Deepening}), for tests. */
    TINY_DEEP(3, new int[] {4, 4, 8, 8, 8, 8},
            new int[] {2, Preset.NO_POOL, 2, Preset.NO_POOL, 2, Preset.NO_POOL}, false, new int[] {16}),
    /**
     * Trains usefully on a 2-core CPU: the PROBE layout, narrower (conv 32-64-96-128, dense 256),
     * about 0.6x its FLOPs.
     */
    CPU(5, new int[] {32, 64, 96, 128}, new int[] {2, 2, 2, 2}, false, new int[] {256}),
    /**
     * CPU with batch normalization between each convolution and its ReLU (DL4J's BatchNormalization,
     * run by the oneDNN helper): a few percent more FLOPs, steadier training at higher learning rates.
     */
    CPU_BN(5, new int[] {32, 64, 96, 128}, new int[] {2, 2, 2, 2}, false, new int[] {256}, true),
    /**
     * CPU with a 5x5 convolution and ReLU (no pool) after each of its four pools: eight convolutions,
     * conv 32-32-64-64-96-96-128-128, about 1.6x CPU's FLOPs (the added layers work on pooled maps).
     * A CPU network becomes one of these with the same function ({@link Deepening}): the way to give a
     * trained model more depth without starting again.
     */
    CPU_DEEP(5, new int[] {32, 32, 64, 64, 96, 96, 128, 128},
            new int[] {2, Preset.NO_POOL, 2, Preset.NO_POOL, 2, Preset.NO_POOL, 2, Preset.NO_POOL}, false,
            new int[] {256}),
    /**
     * CPU_DEEP with one more such convolution after each pool: twelve convolutions,
     * conv 32-32-32-64-64-64-96-96-96-128-128-128. It deepens both CPU and CPU_DEEP ({@link Deepening}):
     * the paper found depth the surest way to read better, and this is the next step of it a 2-core
     * CPU can train.
     */
    CPU_DEEPER(5, new int[] {32, 32, 32, 64, 64, 64, 96, 96, 96, 128, 128, 128},
            new int[] {2, Preset.NO_POOL, Preset.NO_POOL, 2, Preset.NO_POOL, Preset.NO_POOL, 2, Preset.NO_POOL,
                Preset.NO_POOL, 2, Preset.NO_POOL, Preset.NO_POOL}, false, new int[] {256}),
    /**
     * CPU_DEEPER with one more such convolution after each pool: sixteen convolutions, four at each
     * width, conv 32x4-64x4-96x4-128x4. It deepens CPU, CPU_DEEP and CPU_DEEPER ({@link Deepening}).
     */
    CPU_DEEPEST(5, new int[] {32, 32, 32, 32, 64, 64, 64, 64, 96, 96, 96, 96, 128, 128, 128, 128},
            new int[] {2, Preset.NO_POOL, Preset.NO_POOL, Preset.NO_POOL, 2, Preset.NO_POOL, Preset.NO_POOL,
                Preset.NO_POOL, 2, Preset.NO_POOL, Preset.NO_POOL, Preset.NO_POOL, 2, Preset.NO_POOL, Preset.NO_POOL,
                Preset.NO_POOL}, false, new int[] {256}),
    /** The speed-issue reference net: conv 32-64-128-160 (5x5, pool 2), dense 512, six heads. */
    PROBE(5, new int[] {32, 64, 128, 160}, new int[] {2, 2, 2, 2}, false, new int[] {512}),
    /**
     * The paper's net: 8 conv layers 48-64-128-160-192-192-192-192, max-pool strides alternating 2 and
     * 1 (padded so stride 1 keeps the size: 54 -> 4x4x192 = 3072 features), two 3072-unit dense
     * layers. ReLU throughout: DL4J M2.1 has no maxout layer, so the paper's maxout first layer is
     * replaced by ReLU.
     */
    PAPER(5, new int[] {48, 64, 128, 160, 192, 192, 192, 192}, new int[] {2, 1, 2, 1, 2, 1, 2, 1}, true,
            new int[] {3072, 3072});

    /** Max-pooling window side, every preset. */
    static final int POOL_WINDOW = 2;
    /** The pool stride of a convolution with no pool after it. */
    static final int NO_POOL = 0;

    private final int kernel;
    private final int[] convChannels;
    private final int[] poolStrides;
    private final boolean padPools;
    private final int[] denseWidths;
    private final boolean batchNorm;

    Preset(int kernel, int[] convChannels, int[] poolStrides, boolean padPools, int[] denseWidths) {
        this(kernel, convChannels, poolStrides, padPools, denseWidths, false);
    }

    Preset(int kernel, int[] convChannels, int[] poolStrides, boolean padPools, int[] denseWidths, boolean batchNorm) {
        this.batchNorm = batchNorm;
        this.kernel = kernel;
        this.convChannels = convChannels;
        this.poolStrides = poolStrides;
        this.padPools = padPools;
        this.denseWidths = denseWidths;
    }

    /** Parses a preset name, case-insensitively, naming the choices when it is none of them. */
    public static Preset parse(String name) {
        for (Preset p : values()) {
            if (p.name().equalsIgnoreCase(name.trim().replace('-', '_'))) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown preset '" + name + "': choose one of "
                + java.util.Arrays.toString(values()).toLowerCase(Locale.ROOT));
    }

    /** Whether a batch-normalization layer sits between each convolution and its ReLU. */
    boolean batchNorm() {
        return batchNorm;
    }

    int kernel() {
        return kernel;
    }

    int convLayers() {
        return convChannels.length;
    }

    int convChannels(int layer) {
        return convChannels[layer];
    }

    int poolStride(int layer) {
        return poolStrides[layer];
    }

    /** Whether pools pad ("same", ceil(side/stride)) instead of truncating (floor((side-2)/stride)+1). */
    boolean padPools() {
        return padPools;
    }

    int denseLayers() {
        return denseWidths.length;
    }

    int denseWidth(int layer) {
        return denseWidths[layer];
    }

    /** Side of the feature map a pool of this preset leaves from a {@code side} x {@code side} input. */
    int pooledSide(int side, int stride) {
        if (stride == NO_POOL) {
            return side;
        }
        return padPools ? (side + stride - 1) / stride : (side - POOL_WINDOW) / stride + 1;
    }

    /** Trainable parameters for the standard input (54x54x3). */
    public long parameterCount() {
        return parameters(PreprocessConfig.DEFAULT.crop());
    }

    /** Forward floating-point operations for one standard (54x54x3) image (multiply-add = 2). */
    public long forwardFlops() {
        int side = PreprocessConfig.DEFAULT.crop();
        return NetworkFlops.forwardPerImage(StreetNumberNetwork.configuration(this, NetworkOptions.DEFAULT, side,
                        org.nd4j.linalg.api.buffer.DataType.FLOAT, new org.nd4j.linalg.learning.config.Adam()),
                org.deeplearning4j.nn.conf.inputs.InputType.convolutional(side, side,
                        PreprocessConfig.DEFAULT.channels()));
    }

    /** Trainable parameters of this preset on a {@code side} x {@code side} colour input. */
    long parameters(int side) {
        long params = 0;
        long channels = PreprocessConfig.DEFAULT.channels();
        for (int i = 0; i < convChannels.length; i++) {
            long out = convChannels[i];
            params += (long) kernel * kernel * channels * out + out;
            if (batchNorm) {
                // gamma and beta are trained; the running mean and variance are stored parameters too
                params += 4 * out;
            }
            side = pooledSide(side, poolStrides[i]);
            channels = out;
        }
        long features = (long) side * side * channels;
        for (int width : denseWidths) {
            params += features * width + width;
            features = width;
        }
        long headUnits = SequenceLabels.LENGTH_CLASSES + (long) SequenceLabels.MAX_DIGITS * SequenceLabels.DIGIT_CLASSES;
        return params + features * headUnits + headUnits;
    }
}
