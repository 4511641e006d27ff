package dev.streetnum.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.DocumentedCommands;
import dev.streetnum.data.DocumentedCommands.Invocation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every {@code scripts/streetnum} command README.md, models/README.md and DESIGN.md show parses
 * against the launcher as it is: no renamed or removed option, no missing required one, no value its
 * converter refuses. {@code batch} runs on its own class path and is checked in its module.
 */
class DocumentedCommandsParseTest {

    /** The repository root, from this module's folder (where the tests run). */
    private static final Path ROOT = Path.of("../..");

    /** Fewer means the reading of the documents broke, not that they lost their commands. */
    private static final int AT_LEAST = 60;

    @Test
    void everyDocumentedLauncherCommandParses() {
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (Invocation invocation : DocumentedCommands.inRepository(ROOT)) {
            // "scripts/streetnum COMMAND --help" names no command: a word in capitals is a placeholder.
            if (invocation.command().equals("batch") || invocation.command().matches("[A-Z_]+")) {
                continue;
            }
            try {
                Main.commandLine().parseArgs(invocation.args().toArray(String[]::new));
                checked++;
            } catch (CommandLine.ParameterException e) {
                failures.add(invocation.where() + ": " + String.join(" ", invocation.args()) + "\n    " + e.getMessage());
            }
        }
        assertEquals(List.of(), failures, "documented commands that no longer parse");
        assertTrue(checked >= AT_LEAST, "only " + checked + " documented commands found");
    }
}
