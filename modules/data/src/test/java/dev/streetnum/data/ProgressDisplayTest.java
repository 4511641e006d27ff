package dev.streetnum.data;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import me.tongfei.progressbar.ProgressBar;
import org.junit.jupiter.api.Test;

class ProgressDisplayTest {

    @Test
    void withoutATerminalItWritesPlainLinesNotCarriageReturnFrames() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        try (ProgressBar bar = ProgressDisplay.builder("decode", 1000, " img", err, false).build()) {
            for (int i = 0; i < 1000; i++) {
                bar.step();
            }
        }
        String log = buffer.toString(StandardCharsets.UTF_8);
        assertFalse(log.contains("\r"), "no carriage returns in a log: " + log);
        String[] lines = log.strip().split("\n");
        // 1000 steps in well under the 5 s interval: the first frame and the last, not one per step.
        assertTrue(lines.length >= 1 && lines.length <= 3, lines.length + " lines: " + log);
        String last = lines[lines.length - 1];
        assertTrue(last.contains("decode") && last.contains("1000/1000") && last.contains("img/s"), last);
    }
}
