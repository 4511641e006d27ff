package dev.streetnum.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streetnum.serve.ServiceBenchmark;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The launcher: exit codes, what it prints, and oneDNN switched on before a command runs. */
class MainTest {

    /** The shipped model, from this module's folder (where the tests run). */
    private static final Path SHIPPED_MODEL = Path.of("../../models/streetnum-cpu.bundle");

    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err) {
    }

    /** A command for the launcher to run: it notes whether acceleration was on when it started, or throws. */
    @Command(name = "probe", mixinStandardHelpOptions = true)
    static final class Probe implements Callable<Integer> {
        final AtomicBoolean accelerated;
        final RuntimeException failure;
        boolean acceleratedWhenCalled;

        Probe(AtomicBoolean accelerated, RuntimeException failure) {
            this.accelerated = accelerated;
            this.failure = failure;
        }

        @Override
        public Integer call() {
            acceleratedWhenCalled = accelerated.get();
            if (failure != null) {
                throw failure;
            }
            return 0;
        }
    }

    private static Run run(CommandLine cli, Runnable accelerate, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = Main.execute(cli, args, accelerate);
        return new Run(code, out.toString(), err.toString());
    }

    private static Run run(String... args) {
        return run(Main.commandLine(), () -> { }, args);
    }

    private static Run probe(RuntimeException failure, AtomicBoolean accelerated, Probe[] made, String... args) {
        Probe probe = new Probe(accelerated, failure);
        made[0] = probe;
        CommandLine cli = Main.commandLine();
        cli.addSubcommand("probe", probe);
        return run(cli, () -> accelerated.set(true), args);
    }

    @Test
    void accelerationIsOnBeforeACommandRunsAndOffForHelp() {
        AtomicBoolean accelerated = new AtomicBoolean();
        Probe[] made = new Probe[1];
        Run r = probe(null, accelerated, made, "probe");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(made[0].acceleratedWhenCalled, "the command must start with the helpers already on");

        for (String[] helpOnly : new String[][] {{"--help"}, {"--version"}, {}, {"probe", "--help"}, {"help", "probe"}}) {
            AtomicBoolean untouched = new AtomicBoolean();
            Run h = probe(null, untouched, made, helpOnly);
            assertEquals(0, h.exitCode(), String.join(" ", helpOnly) + ": " + h.err());
            assertFalse(untouched.get(), "help needs no native library: " + String.join(" ", helpOnly));
        }
    }

    /** help batch says where batch's options are; reached here, batch says to start it through the launcher. */
    @Test
    void batchIsHelpedHereAndStartedByTheLauncher() {
        Run help = run("help", "batch");
        assertEquals(0, help.exitCode(), help.err());
        assertTrue(help.out().contains("Usage: streetnum batch") && help.out().contains("scripts/streetnum batch --help"),
                help.out());
        AtomicBoolean accelerated = new AtomicBoolean();
        Run direct = run(Main.commandLine(), () -> accelerated.set(true), "batch", "--input", "photos", "--out", "table");
        assertEquals(2, direct.exitCode(), direct.err());
        assertTrue(direct.err().contains("start it through the launcher, scripts/streetnum batch"), direct.err());
        assertFalse(accelerated.get(), "saying so needs no native library");
    }

    @Test
    void badInputExitsTwoWithOneLineAndNoStackTrace() {
        Run r = probe(new IllegalArgumentException("--widgets must be positive, got -1"), new AtomicBoolean(),
                new Probe[1], "probe");
        assertEquals(2, r.exitCode());
        assertEquals("error: --widgets must be positive, got -1", r.err().strip());
    }

    @Test
    void anUnexpectedFailureExitsOneAndSaysWhatItWas() {
        Run r = probe(new IllegalStateException("boom"), new AtomicBoolean(), new Probe[1], "probe");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().startsWith("error: java.lang.IllegalStateException: boom"), r.err());
        assertFalse(r.err().contains("\tat "), "the stack trace goes to the log, not the user: " + r.err());
    }

    /** batch, started by scripts/streetnum on its own class path, is listed and wrapped as the other commands are. */
    @Test
    void theBatchEntryIsLaidOutLikeTheOtherCommands() {
        java.util.List<String> lines = run("--help").out().lines().toList();
        int batch = lines.indexOf(lines.stream().filter(l -> l.startsWith("  batch ")).findFirst()
                .orElseThrow(() -> new AssertionError("no batch entry: " + lines)));
        String quantize = lines.stream().filter(l -> l.startsWith("  quantize ")).findFirst().orElseThrow();
        assertEquals(quantize.indexOf("Makes"), lines.get(batch).indexOf("Transcribes"), "the same column");
        String wrapped = lines.get(batch + 1);
        assertTrue(wrapped.startsWith(" ".repeat(quantize.indexOf("Makes") + 2)) && !wrapped.isBlank(),
                "the wrapped line indented as the others': " + String.join("\n", lines.subList(batch - 1, lines.size())));
    }

    @Test
    void everyCommandsHelpRendersWithoutAPicocliFormatWarning() {
        // picocli formats descriptions with String.format: a bare "%" falls back to the raw text with a
        // warning on stderr (train's --expansion "30%" did).
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream before = System.err;
        System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            Main.commandLine().getSubcommands().values().forEach(CommandLine::getUsageMessage);
        } finally {
            System.setErr(before);
        }
        String warnings = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertFalse(warnings.contains("Could not format"), warnings);
    }

    /**
     * Every option that takes a value names it in capitals (DIR, OUT, FILE, N, ...), never picocli's default
     * {@code <fieldName>}, which says how the code is written rather than what to type.
     */
    @Test
    void everyOptionsValueIsNamedInCapitals() {
        java.util.List<String> unnamed = new java.util.ArrayList<>();
        for (CommandLine command : Main.commandLine().getSubcommands().values()) {
            for (CommandLine.Model.ArgSpec arg : command.getCommandSpec().args()) {
                String label = arg.paramLabel();
                boolean named = !label.startsWith("<") && label.equals(label.toUpperCase(java.util.Locale.ROOT));
                if (arg.arity().max() > 0 && !named) {
                    unnamed.add(command.getCommandName() + " " + (arg.isOption()
                            ? ((CommandLine.Model.OptionSpec) arg).longestName() : "parameter") + "=" + label);
                }
            }
        }
        assertTrue(unnamed.isEmpty(), "values without a name: " + unnamed);
    }

    @Test
    void usageErrorsExitTwo() {
        Run r = run("gradcheck", "--no-such-option");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("--no-such-option"), r.err());
    }

    @Test
    void gradcheckRejectsNonsenseArguments() {
        Run r = run("gradcheck", "--projections", "0");
        assertEquals(2, r.exitCode());
        assertEquals("error: --projections must be at least 1, got 0", r.err().strip());
    }

    @Test
    void importSvhnNamesAMissingFile() {
        Path missing = dir.resolve("digitStruct.mat");
        Run r = run("import-svhn", "--digitstruct", missing.toString(), "--out", dir.resolve("labels.csv").toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("error: ") && r.err().contains(missing.toString()), r.err());
        assertFalse(Files.exists(dir.resolve("labels.csv")));
    }

    @Test
    void serveRefusesAMissingModelAndConflictingThresholds() {
        Path missing = dir.resolve("none.bundle");
        Run r = run("serve", "--model", missing.toString(), "--port", "0");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("model bundle not found") && r.err().contains(missing.toString()), r.err());

        Run both = run("serve", "--threshold", "0.5", "--target-accuracy", "0.98");
        assertEquals(2, both.exitCode(), both.err());
        assertTrue(both.err().contains("mutually exclusive"), both.err());
    }

    @Test
    void transcribePrintsOneJsonLinePerImageAndNamesBadFiles() throws Exception {
        Path image = dir.resolve("1849.png");
        Files.write(image, ServiceBenchmark.sampleImage());

        Run r = run("transcribe", "--model", SHIPPED_MODEL.toString(), "--threshold", "0.5", image.toString(),
                image.toString());
        assertEquals(0, r.exitCode(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(2, lines.length, r.out());
        JsonNode answer = new ObjectMapper().readTree(lines[0]);
        assertEquals(image.toString(), answer.get("file").asText());
        assertEquals(0.5, answer.get("threshold").asDouble());
        double confidence = answer.get("confidence").asDouble();
        assertTrue(confidence >= 0 && confidence <= 1, lines[0]);
        assertEquals(confidence >= 0.5 && answer.get("transcribable").asBoolean(), answer.get("accepted").asBoolean(), lines[0]);
        assertTrue(answer.get("candidate").asText().matches("[0-9]*"), lines[0]);

        Path notAnImage = dir.resolve("notes.png");
        Files.writeString(notAnImage, "not a picture");
        Run bad = run("transcribe", "--model", SHIPPED_MODEL.toString(), "--threshold", "0.5", notAnImage.toString());
        assertEquals(2, bad.exitCode(), bad.err());
        // A bundle without a localizer adds a note line first; the error is a line of its own.
        assertTrue(bad.err().lines().anyMatch(l -> l.startsWith("error: ") && l.contains(notAnImage.toString())),
                bad.err());
    }
}
