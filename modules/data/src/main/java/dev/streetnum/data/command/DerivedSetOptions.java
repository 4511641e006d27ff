package dev.streetnum.data.command;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The two options of every command that writes a set from another ({@code cut-numbers},
 * {@code jitter-boxes}, {@code zoom-out}): where the source set is and where the new one goes.
 */
final class DerivedSetOptions {

    @Option(names = "--data", required = true, paramLabel = "DIR",
            description = "Folder with labels.csv (e.g. data/svhn-real/test).")
    Path data;

    @Option(names = "--out", required = true, paramLabel = "OUT", description = "Output folder (not --data's).")
    Path out;

    /** @param replaced what writing into the source's folder would do, for the refusal */
    LinkedSet open(String replaced) {
        return LinkedSet.open(data, out, replaced);
    }
}
