package dev.streetnum.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code streetnum batch} as this launcher knows it. The Spark job runs on the batch module's own class path,
 * which scripts/streetnum starts before this class is reached, so Spark stays out of every other command's;
 * listed here, it is in {@code --help} with the others and {@code help batch} says where its options are.
 */
@Command(name = "batch",
        description = "Transcribes a folder or manifest of images into a table with Apache Spark"
                + " (scripts/streetnum batch --help)")
final class SparkBatchEntry implements Callable<Integer> {

    /** The batch job's own options, taken so that any of them reaches the message below, not an unknown-option error. */
    @Unmatched
    List<String> args;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("batch runs on Spark's own class path: start it through the launcher,"
                + " scripts/streetnum batch ... (scripts/streetnum batch --help lists its options)");
        return 2;
    }
}
