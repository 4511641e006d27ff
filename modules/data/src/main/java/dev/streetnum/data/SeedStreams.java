package dev.streetnum.data;

import java.util.SplittableRandom;

/**
 * The one way a seed becomes independent child seeds, used everywhere a seed is split: a training
 * run's seed into initialisation, data and dropout streams; the data seed into an epoch's shuffle and
 * each image's augmentation; a generator seed into one example per index. Changing how one consumer
 * draws numbers cannot shift another's stream.
 */
public final class SeedStreams {

    /** The golden-ratio increment of SplitMix64: spreads consecutive parents far apart before mixing. */
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    /** {@link #datasetSplit}'s multiplier, as first published. */
    private static final long SPLIT_MULTIPLIER = 1_000_003L;

    private SeedStreams() {
    }

    /** The seed of child stream {@code stream} of {@code seed} (SplitMix64's finaliser over both). */
    public static long derive(long seed, long stream) {
        return new SplittableRandom(seed * GOLDEN_GAMMA + stream).nextLong();
    }

    /**
     * The generator seed of split {@code index} (train 0, val 1, test 2) of {@code streetnum generate
     * --seed S}. Kept exactly as first published rather than folded into {@link #derive}: it names every
     * generated data set, and the README's synthetic figures were measured on {@code --seed 1}'s sets.
     * The generator then derives each example's seed from it with {@link #derive}. Use {@link #derive}
     * for anything new.
     */
    public static long datasetSplit(long seed, int index) {
        return seed * SPLIT_MULTIPLIER + index;
    }
}
