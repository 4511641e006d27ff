package dev.streetnum.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.DocumentedCommands;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code streetnum batch} as a user runs it: exit codes and what it prints. */
class BatchCommandTest {

    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = BatchMain.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void aLabelledFolderInLocalModePrintsItsScoreAndWritesTheTable() {
        Path data = BatchFixtures.labelledSet(dir.resolve("data"));
        Path out = dir.resolve("out");
        Run r = run("--input", data.toString(), "--output", out.toString(), "--model", BatchFixtures.bundle(dir).toString(),
                "--master", "local[2]", "--ui-port", "0");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("master local[2]"), r.out());
        assertTrue(r.out().contains("each image exactly once: yes (14 rows, 14 distinct files, 14 asked for)"), r.out());
        assertTrue(r.out().matches("(?s).*sequence accuracy [0-9.]+% \\(\\d+/14\\); coverage [0-9.]+% at the threshold.*"), r.out());
        assertTrue(Files.exists(out.resolve("_SUCCESS")));
    }

    @Test
    void badInputIsOneLineAndExitCodeTwo() {
        Run missingModel = run("--input", dir.toString(), "--output", dir.resolve("o").toString(),
                "--model", dir.resolve("none.bundle").toString(), "--master", "local[1]", "--ui-port", "0");
        assertEquals(2, missingModel.exitCode(), missingModel.err());
        assertTrue(missingModel.err().startsWith("error: "), missingModel.err());
        assertEquals(1, missingModel.err().strip().lines().count(), "one line, no stack trace: " + missingModel.err());

        Run badMode = run("--input", dir.toString(), "--output", dir.resolve("o").toString(), "--mode", "append");
        assertEquals(2, badMode.exitCode());
        assertTrue(badMode.err().contains("--mode is overwrite or error-if-exists, got 'append'"), badMode.err());
    }

    /**
     * An int8 engine for a bundle without int8 networks, and an output folder that exists, are refused by
     * name before any Spark session is asked for: the command's session factory fails if called.
     */
    @Test
    void badInputIsRefusedBeforeSparkStarts() throws Exception {
        Path bundle = BatchFixtures.bundle(dir);
        Run int8 = runWithoutSpark("--input", dir.toString(), "--output", dir.resolve("o").toString(),
                "--model", bundle.toString(), "--engine", "onnx-int8", "--master", "local[1]", "--ui-port", "0");
        assertEquals(2, int8.exitCode(), int8.err());
        assertTrue(int8.err().contains("has no int8 network"), int8.err());
        assertTrue(int8.err().contains("streetnum quantize"), int8.err());

        Path existing = Files.createDirectories(dir.resolve("existing"));
        Run exists = runWithoutSpark("--input", dir.toString(), "--output", existing.toString(),
                "--model", bundle.toString(), "--master", "local[1]", "--ui-port", "0");
        assertEquals(2, exists.exitCode(), exists.err());
        assertTrue(exists.err().contains("output " + existing + " exists: give --mode overwrite to replace it,"
                + " or another --output"), exists.err());
    }

    /** {@link #run}, with a session factory that fails the test if the command asks it for a session. */
    private static Run runWithoutSpark(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> asked = new ArrayList<>();
        BatchCommand command = new BatchCommand();
        command.sessions = (master, uiPort) -> {
            asked.add(master);
            throw new AssertionError("a Spark session was asked for (" + master + ") before bad input was refused");
        };
        CommandLine cli = BatchMain.commandLine(command);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        assertEquals(List.of(), asked, "no Spark session for bad input: " + err);
        return new Run(code, out.toString(), err.toString());
    }

    /** The help lists the output's columns as the table has them: the schema's names, in its order. */
    @Test
    void helpListsTheSchemasColumnsInOrder() {
        Run help = run("--help");
        assertEquals(0, help.exitCode(), help.err());
        String text = help.out();
        int from = text.indexOf("Columns:");
        assertTrue(from >= 0, text);
        String columns = text.substring(from + "Columns:".length(), text.indexOf('.', from)).strip();
        assertEquals(List.of(TranscriptionRows.SCHEMA.fieldNames()), List.of(columns.split("[,\\s]+")), text);
    }

    /** README's {@code scripts/streetnum batch ...} commands parse as the launcher hands them over (without "batch"). */
    @Test
    void everyDocumentedBatchCommandParses() {
        DocumentedCommands.ParseCheck check = DocumentedCommands.parseEach(Path.of("../.."),
                invocation -> invocation.command().equals("batch"),
                invocation -> invocation.args().subList(1, invocation.args().size()), BatchMain::commandLine);
        assertEquals(List.of(), check.failures(), "documented batch commands that no longer parse");
        assertTrue(check.parsed() >= 3, "only " + check.parsed() + " documented batch commands found");
    }
}
