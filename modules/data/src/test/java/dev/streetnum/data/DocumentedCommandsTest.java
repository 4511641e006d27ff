package dev.streetnum.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.DocumentedCommands.Invocation;
import dev.streetnum.data.DocumentedCommands.ParseCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The shell reading of documented commands, against lists written out by hand. */
class DocumentedCommandsTest {

    @Test
    void continuationsQuotesCommentsAndRedirectionsAreReadAsAShellWould() {
        String markdown = String.join("\n",
                "Run `scripts/streetnum train --help` first, then:",
                "```bash",
                "# a comment line: scripts/streetnum not-a-command",
                "STREETNUM_JAVA_OPTS=\"-Xmx2g -Dx=1\" scripts/streetnum batch --master 'local[2]' \\",
                "    --input \"my photos/\" --out a\\ b > log.txt 2>&1   # trailing comment",
                "scripts/streetnum evaluate --model m.bundle && scripts/streetnum serve | tee out",
                "echo scripts/streetnum-like; ls",
                "```",
                "Outside a fence, `ls` and scripts/streetnum without backticks are prose, but inline code may wrap:",
                "`scripts/streetnum generate --out",
                "d --test 5` reads as one command.");
        List<Invocation> found = DocumentedCommands.in("doc.md", markdown);

        assertEquals(List.of(
                new Invocation("doc.md", 1, List.of("train", "--help")),
                new Invocation("doc.md", 4, List.of("batch", "--master", "local[2]", "--input", "my photos/", "--out", "a b")),
                new Invocation("doc.md", 6, List.of("evaluate", "--model", "m.bundle")),
                new Invocation("doc.md", 6, List.of("serve")),
                new Invocation("doc.md", 10, List.of("generate", "--out", "d", "--test", "5"))), found);
    }

    @Test
    void aBareLauncherHasNoCommand() {
        List<Invocation> found = DocumentedCommands.in("d", "```\nscripts/streetnum\n```\n");
        assertEquals(1, found.size());
        assertEquals("", found.get(0).command());
    }

    @Command(name = "launcher", subcommands = Greet.class)
    static final class Launcher {
    }

    @Command(name = "greet")
    static final class Greet {
        @Option(names = "--name", required = true)
        String name;

        @Option(names = "--times")
        int times;
    }

    @Test
    void aCommandThatNoLongerParsesIsReportedWithItsPlace(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("models"));
        Files.createDirectories(root.resolve("docs"));
        Files.writeString(root.resolve("README.md"), "```\nscripts/streetnum greet --name a --times 2\n```\n");
        Files.writeString(root.resolve("models/README.md"), "Then `scripts/streetnum greet --times x`.\n");
        Files.writeString(root.resolve("docs/DESIGN.md"), "`scripts/streetnum greet --nme a`\n");
        Files.writeString(root.resolve("docs/speed-history.md"), "`scripts/streetnum greet --name b`\n");
        Files.writeString(root.resolve("docs/accuracy-history.md"), "```\nscripts/streetnum greet --name c --times 3\n```\n");

        ParseCheck check = DocumentedCommands.parseEach(root, invocation -> true, Invocation::args,
                () -> new CommandLine(new Launcher()));

        assertEquals(3, check.parsed(), "README.md's and the two histories' commands parse");
        assertEquals(2, check.failures().size(), String.join("\n", check.failures()));
        assertTrue(check.failures().get(0).startsWith("models/README.md:1: greet --times x"), check.failures().get(0));
        assertTrue(check.failures().get(1).startsWith("docs/DESIGN.md:1: greet --nme a"), check.failures().get(1));
    }
}
