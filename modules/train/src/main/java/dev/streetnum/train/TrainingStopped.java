package dev.streetnum.train;

/**
 * A run stopped on request (SIGTERM, Ctrl-C) before its plan ended: not a failure, but no finished
 * result to go on with either. The message says where it stopped and what it left.
 */
public final class TrainingStopped extends RuntimeException {

    /** @param left what the run left behind, and how to go on, as the message's end */
    TrainingStopped(long iteration, String left) {
        super("stopped at iteration " + iteration + left);
    }
}
