package dev.streetnum.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.TestData;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.TestBundles;
import dev.streetnum.model.Thresholds;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code evaluate --write-threshold} says it stored: a threshold the merge kept is named as kept. */
class StoredThresholdsLineTest {

    @Test
    void aThresholdThisRunDidNotCalibrateIsNamedAsKept(@TempDir Path dir) {
        Path test = TestData.generatedSet(dir.resolve("test"), 6, 61);
        Path val = TestData.generatedSet(dir.resolve("val"), 6, 62);
        ModelBundle tiny = TestBundles.tiny(1);
        Path file = dir.resolve("m.bundle");
        // A no-box threshold from an earlier run: a run with the boxes given never calibrates that path.
        tiny.withMetadata(tiny.metadata().withThresholds(Thresholds.fromKeys(Map.of("no-box 0.98", 0.97)))).save(file);

        StringWriter stdout = new StringWriter();
        assertEquals(0, EvaluateEndToEndTest.evaluate(stdout, "--model", file.toString(), "--engine", "dl4j",
                "--data", test.toString(), "--val", val.toString(), "--out", dir.resolve("out").toString(),
                "--batch-size", "4", "--write-threshold"), stdout.toString());

        String line = stdout.toString().lines().filter(l -> l.startsWith("thresholds stored in")).findFirst()
                .orElseThrow(() -> new AssertionError("no stored-thresholds line: " + stdout));
        assertTrue(line.contains("no-box 0.98=0.97"), line);
        assertTrue(line.endsWith("; kept from before, not calibrated by this run: no-box 0.98"), line);
        assertEquals(0.97, ModelBundle.load(file).metadata().thresholds().byKey().get("no-box 0.98"), 0);
    }
}
