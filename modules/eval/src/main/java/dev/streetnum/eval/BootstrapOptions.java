package dev.streetnum.eval;

import picocli.CommandLine.Option;

/** The draws of a paired comparison, as the commands that compare two models' reports take them (a picocli mixin). */
public final class BootstrapOptions {

    @Option(names = "--resamples", paramLabel = "N", defaultValue = "" + Bootstrap.RESAMPLES,
            description = "Paired draws with replacement (default: ${DEFAULT-VALUE}).")
    int resamples;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "" + Bootstrap.SEED,
            description = "Seed of the draws (default: ${DEFAULT-VALUE}).")
    long seed;

    /** The bootstrap these options ask for. */
    public Bootstrap bootstrap() {
        return new Bootstrap(resamples, seed);
    }
}
