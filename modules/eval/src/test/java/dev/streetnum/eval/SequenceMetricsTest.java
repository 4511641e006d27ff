package dev.streetnum.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SequenceMetricsTest {

    @Test
    void handWorkedExample() {
        List<Prediction> predictions = List.of(
                new Prediction("a", "1849", "1849", true, 0.9, 0.8),   // right
                new Prediction("b", "1849", "184", true, 0.7, 0.6),    // length wrong; 3 of 4 digits
                new Prediction("c", "12", "13", true, 0.5, 0.4),       // 1 of 2 digits, length right
                new Prediction("d", "7", "7", false, 0.9, 0.9),        // refused: wrong, length class ">5" wrong; digit 1 right
                new Prediction("e", "1234567", "12345", false, 0.3, 0.2)); // refused a 7-digit number: length right
        SequenceMetrics m = SequenceMetrics.of(predictions);
        assertEquals(5, m.examples());
        assertEquals(1 / 5.0, m.sequenceAccuracy(), 1e-12);
        // digits: a 4/4, b 3/4, c 1/2, d 1/1, e 5/5 (first five positions) -> 14/16
        assertEquals(14 / 16.0, m.digitAccuracy(), 1e-12);
        // lengths right: a, c, e
        assertEquals(3 / 5.0, m.lengthAccuracy(), 1e-12);
        assertEquals(List.of("1", "2", "4", ">5"), List.copyOf(m.byLength().keySet()));
        assertEquals(2, m.byLength().get("4").examples());
        assertEquals(0.5, m.byLength().get("4").accuracy(), 1e-12);
        assertEquals(0.0, m.byLength().get("1").accuracy());
        // b is part of its truth, c a misreading, d and e refusals
        assertEquals(Map.of("extra digits", 0, "missing digits", 1, "wrong digits", 1, "refused", 2), m.errors());
    }

    @Test
    void emptySetHasUndefinedAccuracies() {
        SequenceMetrics m = SequenceMetrics.of(List.of());
        assertTrue(Double.isNaN(m.sequenceAccuracy()) && Double.isNaN(m.digitAccuracy()));
        assertTrue(m.byLength().isEmpty());
    }
}
