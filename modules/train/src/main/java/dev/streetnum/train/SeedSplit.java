package dev.streetnum.train;

import dev.streetnum.data.SeedStreams;

/**
 * One run seed split into a named seed for each consumer, by {@link SeedStreams#derive}, so that
 * changing how one consumer draws numbers cannot shift another's stream.
 *
 * @param init    network initialisation
 * @param data    shuffling and random crops (the data iterator)
 * @param dropout ND4J's generator, re-seeded before every iteration from this and the iteration number
 */
public record SeedSplit(long init, long data, long dropout) {

    /** A stream of its own, derived from the data seed, so the labelled data's shuffle and crops do not change. */
    private static final int CONSISTENCY_STREAM = 3;

    private static final int INIT_STREAM = 0;
    private static final int DATA_STREAM = 1;
    private static final int DROPOUT_STREAM = 2;

    public static SeedSplit of(long runSeed) {
        return new SeedSplit(SeedStreams.derive(runSeed, INIT_STREAM), SeedStreams.derive(runSeed, DATA_STREAM),
                SeedStreams.derive(runSeed, DROPOUT_STREAM));
    }

    /** The shuffle and views of consistency training's photos without labels ({@link ConsistencyRows}). */
    public long consistency() {
        return SeedStreams.derive(data, CONSISTENCY_STREAM);
    }

    /**
     * The ND4J seed for one iteration: a function of the iteration alone, which is what lets a resumed
     * run draw the same dropout masks as an uninterrupted one without saving generator state.
     */
    public long dropoutSeed(long iteration) {
        return SeedStreams.derive(dropout, iteration);
    }
}
