package dev.streetnum.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.PreprocessConfig;
import dev.streetnum.model.BundleMetadata;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServingThresholdTest {

    static BundleMetadata bundle(Map<String, Double> thresholds) {
        return new BundleMetadata(1, "m-1", "TINY", PreprocessConfig.DEFAULT, "per-image mean", thresholds,
                Map.of(), Map.of(), "test");
    }

    @Test
    void explicitThresholdWins() {
        assertEquals(0.25, ServingThreshold.resolve(bundle(Map.of("0.98", 0.7)), 0.25, null));
    }

    @Test
    void targetAccuracyLooksUpTheCalibratedThresholdNumerically() {
        BundleMetadata m = bundle(Map.of("0.98", 0.7, "0.950", 0.4));
        assertEquals(0.7, ServingThreshold.resolve(m, null, null), "0.98 is the default target");
        assertEquals(0.4, ServingThreshold.resolve(m, null, 0.95));
    }

    @Test
    void missingCalibrationIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServingThreshold.resolve(bundle(Map.of("0.98", 0.7)), null, 0.99));
        assertTrue(e.getMessage().contains("no threshold calibrated for 0.99") && e.getMessage().contains("0.98"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ServingThreshold.resolve(bundle(Map.of()), 1.5, null));
    }
}
