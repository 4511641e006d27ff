package dev.streetnum.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.PreprocessConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Thresholds by target accuracy: one typed API, keys compared as numbers. */
class BundleMetadataThresholdTest {

    private static BundleMetadata with(Map<String, Double> thresholds) {
        return new BundleMetadata(1, "m", "tiny", PreprocessConfig.DEFAULT, BundleMetadata.PER_IMAGE_MEAN,
                thresholds, Map.of(), Map.of(), "test");
    }

    @Test
    void keysAreTheShortestDecimal() {
        assertEquals("0.98", BundleMetadata.accuracyKey(0.98));
        assertEquals("0.985", BundleMetadata.accuracyKey(0.985));
        assertEquals("1", BundleMetadata.accuracyKey(1.0));
    }

    @Test
    void aThresholdIsFoundByItsAccuracyWhateverTheKeysText() {
        BundleMetadata m = with(Map.of("0.980", 0.7, "0.95", 0.4, "notes", 1.0));
        assertEquals(0.7, m.threshold(0.98).getAsDouble());
        assertEquals(0.4, m.threshold(0.95).getAsDouble());
        assertTrue(m.threshold(0.99).isEmpty());
    }

    @Test
    void writingReplacesTheSameAccuracyUnderOneKey() {
        BundleMetadata m = with(Map.of("0.980", 0.7)).withThreshold(0.98, 0.8).withThreshold(0.99, 0.9);
        assertEquals(Map.of("0.98", 0.8, "0.99", 0.9), m.thresholds());
        assertEquals(0.8, m.threshold(BundleMetadata.TARGET_ACCURACY).getAsDouble());
    }

    @Test
    void nonsenseIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> with(Map.of()).withThreshold(0.98, 1.5));
        assertThrows(IllegalArgumentException.class, () -> with(Map.of()).withThreshold(0, 0.5));
    }
}
