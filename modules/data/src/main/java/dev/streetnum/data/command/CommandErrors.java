package dev.streetnum.data.command;

import dev.streetnum.data.DataException;
import org.slf4j.Logger;
import picocli.CommandLine;

/**
 * The launchers' one rule for a command that throws ({@code streetnum} and {@code streetnum batch},
 * which runs in a JVM of its own): bad input is the user's to fix and gets one line naming the problem,
 * exit 2, no stack trace; anything else is a failure, exit 1, its stack trace in the log.
 */
public final class CommandErrors {

    /** A command that finished. */
    public static final int DONE = 0;
    /** An unexpected failure: the log has the stack trace. */
    public static final int FAILURE = 1;
    /** Bad input or usage: the message says what to fix. */
    public static final int BAD_INPUT = 2;

    private CommandErrors() {
    }

    /**
     * @param command names the command in the log line
     * @return the exit code
     */
    public static int report(Exception e, CommandLine cli, String command, Logger log) {
        if (e instanceof DataException || e instanceof IllegalArgumentException) {
            cli.getErr().println("error: " + e.getMessage());
            return BAD_INPUT;
        }
        cli.getErr().println("error: " + e + " (the log has the stack trace)");
        log.error("{} failed", command, e);
        return FAILURE;
    }
}
