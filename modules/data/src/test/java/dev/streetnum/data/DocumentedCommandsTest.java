package dev.streetnum.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.streetnum.data.DocumentedCommands.Invocation;
import java.util.List;
import org.junit.jupiter.api.Test;

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
}
