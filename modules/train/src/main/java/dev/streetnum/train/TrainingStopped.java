package dev.streetnum.train;

import java.nio.file.Path;

/**
 * A run stopped on request (SIGTERM, Ctrl-C) before its plan ended, its last iteration saved: not a
 * failure, but not a finished run either, so it is no {@code best.bundle} result to go on with.
 */
public final class TrainingStopped extends RuntimeException {

    private final long iteration;
    private final transient Path checkpoint;

    TrainingStopped(long iteration, Path checkpoint) {
        super("stopped at iteration " + iteration + ", saved in " + checkpoint
                + ": run the same command with --resume to go on from there");
        this.iteration = iteration;
        this.checkpoint = checkpoint;
    }

    public long iteration() {
        return iteration;
    }

    public Path checkpoint() {
        return checkpoint;
    }
}
