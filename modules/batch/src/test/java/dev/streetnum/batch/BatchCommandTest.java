package dev.streetnum.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.DocumentedCommands;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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

    /**
     * Input that needs no Spark to read is refused by name before a session is asked for: a missing input (a
     * folder, or a Parquet manifest, whose rows Spark reads but whose absence needs no session), a CSV
     * manifest's bad row, a bad {@code labels.csv} row and a folder with neither labels nor images.
     */
    @Test
    void badInputFilesAreRefusedBeforeSparkStarts() throws Exception {
        Path bundle = BatchFixtures.bundle(dir);
        for (String name : List.of("no-such-folder", "no-such-manifest.parquet")) {
            Path missing = dir.resolve(name);
            Run notFound = runWithoutSpark("--input", missing.toString(), "--output", dir.resolve("o").toString(),
                    "--model", bundle.toString(), "--master", "local[1]", "--ui-port", "0");
            assertEquals(2, notFound.exitCode(), notFound.err());
            assertTrue(notFound.err().contains("input not found: " + missing), notFound.err());
        }

        Path manifest = dir.resolve("bad-manifest.csv");
        Files.writeString(manifest, "path,left,top,width,height\na.png,1,2,3,4\nb.png,1,x,3,4\n", StandardCharsets.UTF_8);
        Run badRow = runWithoutSpark("--input", manifest.toString(), "--output", dir.resolve("o").toString(),
                "--model", bundle.toString(), "--master", "local[1]", "--ui-port", "0");
        assertEquals(2, badRow.exitCode(), badRow.err());
        assertTrue(badRow.err().contains(manifest + " line 3: field 'top' is not an integer: 'x'"), badRow.err());

        Path labelled = BatchFixtures.labelledSet(dir.resolve("labelled"));
        Path labels = labelled.resolve(AnnotatedDataset.LABELS_FILE);
        Files.writeString(labels, "extra.png,x,0,0,10,10\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        long badLine = Files.readAllLines(labels).size();
        Run badLabels = runWithoutSpark("--input", labelled.toString(), "--output", dir.resolve("o").toString(),
                "--model", bundle.toString(), "--master", "local[1]", "--ui-port", "0");
        assertEquals(2, badLabels.exitCode(), badLabels.err());
        assertTrue(badLabels.err().contains(labels + " line " + badLine + ": field 'label'"), badLabels.err());

        Path empty = Files.createDirectories(dir.resolve("no-images"));
        Run noImages = runWithoutSpark("--input", empty.toString(), "--output", dir.resolve("o").toString(),
                "--model", bundle.toString(), "--master", "local[1]", "--ui-port", "0");
        assertEquals(2, noImages.exitCode(), noImages.err());
        assertTrue(noImages.err().contains("input folder " + empty + " has no labels.csv and no PNG or JPEG images"),
                noImages.err());
    }

    /** A bad {@code labels.csv} row is named under the folder as given, as a CSV manifest's is. */
    @Test
    void aBadLabelsRowNamesTheFolderAsGiven() throws Exception {
        Path labelled = BatchFixtures.labelledSet(dir.resolve("labelled"));
        Path labels = labelled.resolve(AnnotatedDataset.LABELS_FILE);
        Files.writeString(labels, "extra.png,x,0,0,10,10\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        Path relative = Path.of("").toAbsolutePath().relativize(labelled);
        Run badLabels = runWithoutSpark("--input", relative.toString(), "--output", dir.resolve("o").toString(),
                "--model", BatchFixtures.bundle(dir).toString(), "--master", "local[1]", "--ui-port", "0");
        assertEquals(2, badLabels.exitCode(), badLabels.err());
        assertTrue(badLabels.err().startsWith("error: " + relative.resolve(AnnotatedDataset.LABELS_FILE) + " line "),
                badLabels.err());
    }

    /** An image given as the input is refused as one, not read as a manifest whose header is the PNG's bytes. */
    @Test
    void anImageAsTheInputIsRefusedAsOne() throws Exception {
        Path labelled = BatchFixtures.labelledSet(dir.resolve("labelled"));
        Path image = labelled.resolve(BatchFixtures.firstImage(labelled));
        Run r = runWithoutSpark("--input", image.toString(), "--output", dir.resolve("o").toString(),
                "--model", BatchFixtures.bundle(dir).toString(), "--master", "local[1]", "--ui-port", "0");
        assertEquals(2, r.exitCode(), r.err());
        assertEquals("error: input " + image + " is an image, not a folder or manifest: give its folder, or a manifest"
                + " naming it", r.err().strip());
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
