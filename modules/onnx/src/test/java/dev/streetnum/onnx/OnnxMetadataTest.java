package dev.streetnum.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.streetnum.model.TargetAccuracy;
import dev.streetnum.model.Thresholds;
import java.util.Map;
import onnx.Onnx;
import org.junit.jupiter.api.Test;

class OnnxMetadataTest {

    /**
     * New thresholds replace the old calibration whole: where the old ones were calibrated is not kept
     * for thresholds that do not say where they were calibrated.
     */
    @Test
    void newThresholdsDropTheOldCalibrationsProvenance() {
        Onnx.ModelProto old = OnnxMetadata.withProperties(Onnx.ModelProto.getDefaultInstance(), Map.of(
                OnnxMetadata.MODEL_ID, "m",
                OnnxMetadata.THRESHOLDS, "{\"0.98\":0.9}",
                OnnxMetadata.THRESHOLDS_CALIBRATED_ON, "old-val",
                OnnxMetadata.NO_BOX_THRESHOLDS_CALIBRATED_ON, "old-val"));
        Thresholds fresh = Thresholds.NONE.with(TargetAccuracy.PAPER, 0.7);

        Map<String, String> properties = OnnxMetadata.properties(OnnxMetadata.withThresholds(old, fresh));

        assertFalse(properties.containsKey(OnnxMetadata.THRESHOLDS_CALIBRATED_ON), properties.toString());
        assertFalse(properties.containsKey(OnnxMetadata.NO_BOX_THRESHOLDS_CALIBRATED_ON), properties.toString());
        assertEquals(fresh, OnnxMetadata.thresholds(properties), "read back as written");
        assertEquals("m", properties.get(OnnxMetadata.MODEL_ID), "the other properties stay");
    }

    @Test
    void newThresholdsCarryTheirOwnProvenanceOnly() {
        Onnx.ModelProto old = OnnxMetadata.withThresholds(Onnx.ModelProto.getDefaultInstance(),
                Thresholds.fromKeys(Map.of("0.98", 0.9), "old-val", "old-nobox"));
        Thresholds fresh = Thresholds.fromKeys(Map.of("0.98", 0.7), "new-val");

        Map<String, String> properties = OnnxMetadata.properties(OnnxMetadata.withThresholds(old, fresh));

        assertEquals("new-val", properties.get(OnnxMetadata.THRESHOLDS_CALIBRATED_ON));
        assertFalse(properties.containsKey(OnnxMetadata.NO_BOX_THRESHOLDS_CALIBRATED_ON), properties.toString());
        assertEquals(fresh, OnnxMetadata.thresholds(properties));
    }
}
