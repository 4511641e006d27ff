package dev.streetnum.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.ProgressDisplay;
import dev.streetnum.data.TestData;
import dev.streetnum.model.TestBundles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** quantize as a user runs it: what it prints while calibrating. */
class QuantizeCommandTest {

    @TempDir
    Path dir;

    /**
     * Progress goes the way all long work shows it ({@link ProgressDisplay}): without a terminal, plain
     * lines a log can hold, never carriage-return frames or colour codes.
     */
    @Test
    void calibrationProgressWithoutATerminalIsPlainLines() {
        Path bundle = dir.resolve("tiny.bundle");
        TestBundles.tiny(1).save(bundle);
        Path calibration = TestData.generatedSet(dir.resolve("generated"), 8, 3);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        int exit;
        StringWriter out = new StringWriter();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            CommandLine quantize = new CommandLine(new QuantizeCommand());
            quantize.setOut(new PrintWriter(out, true));
            exit = quantize.execute("--model", bundle.toString(), "--calibration", calibration.toString(), "--limit", "8");
        } finally {
            System.setErr(stderr);
        }
        assertEquals(0, exit, out.toString());
        String progress = err.toString(StandardCharsets.UTF_8);
        assertTrue(progress.contains("calibrate"), progress);
        assertFalse(progress.contains("\r"), "no carriage-return frames: " + progress);
        assertFalse(progress.contains("\u001b["), "no terminal colour codes: " + progress);
    }
}
