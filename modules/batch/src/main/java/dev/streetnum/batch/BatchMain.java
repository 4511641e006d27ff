package dev.streetnum.batch;

import dev.streetnum.data.command.CommandErrors;

import picocli.CommandLine;

/**
 * The batch job's own entry point: {@code scripts/streetnum batch} runs it in a JVM of its own, on the
 * batch module's class path (Spark's dependencies stay out of the other commands' class path), and
 * {@code spark-submit --class dev.streetnum.batch.BatchMain} runs it on a cluster.
 */
public final class BatchMain {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BatchMain.class);

    private BatchMain() {
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line: exit 0 done, 1 an unexpected failure (logged), 2 bad input or usage. */
    public static CommandLine commandLine() {
        return commandLine(new BatchCommand());
    }

    /** As {@link #commandLine()}, around {@code command}. */
    static CommandLine commandLine(BatchCommand command) {
        CommandLine cli = new CommandLine(command);
        cli.setExecutionExceptionHandler(BatchMain::reportError);
        return cli;
    }

    /** Bad input is the user's to fix: {@link CommandErrors}, the launcher's one rule. */
    private static int reportError(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        return CommandErrors.report(e, cli, "batch", LOG);
    }
}
