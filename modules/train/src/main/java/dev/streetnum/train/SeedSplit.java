package dev.streetnum.train;

import java.util.SplittableRandom;

/**
 * One run seed split deterministically into independent seeds for each consumer, so that changing how
 * one consumer draws numbers cannot shift another's stream.
 *
 * @param init    network initialisation
 * @param data    shuffling and random crops (the data iterator)
 * @param dropout ND4J's generator, re-seeded before every iteration from this and the iteration number
 */
public record SeedSplit(long init, long data, long dropout) {

    public static SeedSplit of(long runSeed) {
        SplittableRandom root = new SplittableRandom(runSeed);
        return new SeedSplit(root.split().nextLong(), root.split().nextLong(), root.split().nextLong());
    }

    /**
     * The ND4J seed for one iteration: a function of the iteration alone, which is what lets a resumed
     * run draw the same dropout masks as an uninterrupted one without saving generator state.
     */
    public long dropoutSeed(long iteration) {
        return new SplittableRandom(dropout ^ (iteration * 0x9E3779B97F4A7C15L)).nextLong();
    }
}
