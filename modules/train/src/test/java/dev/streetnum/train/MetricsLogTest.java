package dev.streetnum.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsLogTest {

    @Test
    void theRawWeightsColumnsAreFilledOnlyInAnAveragingRun(@TempDir Path dir) throws Exception {
        SequenceScore averaged = new SequenceScore(100, 0.8, 0.5, 0.9, 0.07);
        SequenceScore raw = new SequenceScore(100, 0.75, 0.25, 0.95, 0.09);
        MetricsRow plain = new MetricsRow(100, 0, 1e-3, 0.5, averaged, averaged, 10, 1);
        MetricsRow averaging = new MetricsRow(200, 0, 1e-3, 0.4, averaged, averaged, 10, 2).withRawWeights(
                new MetricsRow(200, 0, 1e-3, 0.4, raw, raw, 10, 2));
        MetricsLog.write(dir, List.of(plain, averaging));

        List<String> lines = Files.readAllLines(dir.resolve(MetricsLog.CSV_NAME));
        String[] header = lines.get(0).split(",", -1);
        assertEquals("raw_val_sequence_error", header[header.length - 3]);
        assertEquals("val_risk_coverage_area", header[header.length - 1]);
        String[] first = lines.get(1).split(",", -1);
        String[] second = lines.get(2).split(",", -1);
        assertEquals(header.length, first.length);
        assertEquals(header.length, second.length);
        assertEquals("", first[header.length - 3]);
        assertEquals("", first[header.length - 2]);
        assertEquals(0.25, Double.parseDouble(second[header.length - 3]), 1e-9, "raw error = 1 - 0.75");
        assertEquals(0.25, Double.parseDouble(second[header.length - 2]), 1e-9, "raw coverage");
        assertEquals(0.07, Double.parseDouble(first[header.length - 1]), 1e-9, "the average's area, in both rows");
        assertEquals(0.07, Double.parseDouble(second[header.length - 1]), 1e-9);
        assertEquals(0.2, Double.parseDouble(second[5]), 1e-9, "the validation error is the average's");
        assertTrue(Files.size(dir.resolve(MetricsLog.PNG_NAME)) > 0);
    }
}
