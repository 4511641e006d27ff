package dev.streetnum.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.DocumentedCommands;
import dev.streetnum.data.DocumentedCommands.Invocation;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

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
        // "scripts/streetnum COMMAND --help" names no command: a word in capitals is a placeholder.
        DocumentedCommands.ParseCheck check = DocumentedCommands.parseEach(ROOT,
                invocation -> !invocation.command().equals("batch") && !invocation.command().matches("[A-Z_]+"),
                Invocation::args, Main::commandLine);
        assertEquals(List.of(), check.failures(), "documented commands that no longer parse");
        assertTrue(check.parsed() >= AT_LEAST, "only " + check.parsed() + " documented commands found");
    }
}
