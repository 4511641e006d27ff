package dev.streetnum.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.model.AcceptanceThreshold;
import dev.streetnum.model.Ensemble;
import dev.streetnum.model.InferenceEngine;
import dev.streetnum.model.TestBundles;
import dev.streetnum.model.Thresholds;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@code --threshold} and {@code --target-accuracy}: the threshold serve, transcribe and bench-serve refuse below. */
class BundleOptionsTest {

    /** An engine that only says who it is and what it was calibrated at. */
    private static InferenceEngine calibrated(Map<String, Double> thresholds) {
        return new InferenceEngine() {
            @Override
            public String modelId() {
                return "m-1";
            }

            @Override
            public Thresholds thresholds() {
                return Thresholds.fromKeys(thresholds);
            }

            @Override
            public INDArray[] output(INDArray features) {
                throw new UnsupportedOperationException("not run here");
            }

            @Override
            public java.util.List<dev.streetnum.model.Localizer> localizers() {
                return java.util.List.of();
            }
        };
    }

    private static double threshold(Double value, Double targetAccuracy, InferenceEngine engine) {
        return acceptance(value, targetAccuracy, engine).callerBox();
    }

    private static AcceptanceThreshold acceptance(Double value, Double targetAccuracy, InferenceEngine engine) {
        BundleOptions options = new BundleOptions();
        options.threshold.value = value;
        options.threshold.targetAccuracy = targetAccuracy;
        // What serve opens: the bundle as it reads, here one network on this engine.
        return options.threshold(Ensemble.of(TestBundles.tiny(1), engine));
    }

    @Test
    void anExplicitThresholdWins() {
        assertEquals(AcceptanceThreshold.of(0.25), acceptance(0.25, null, calibrated(Map.of("0.98", 0.7, "no-box 0.98", 0.9))));
    }

    @Test
    void photosWithoutABoxAreJudgedByTheNoBoxThresholdWhereOneIsCalibrated() {
        InferenceEngine engine = calibrated(Map.of("0.98", 0.7, "0.95", 0.4, "no-box 0.98", 0.99));
        assertEquals(new AcceptanceThreshold(0.7, 0.99), acceptance(null, null, engine));
        // No no-box threshold for 95%: such answers are judged as before issue 25, by the caller's-box one.
        assertEquals(new AcceptanceThreshold(0.4, 0.4), acceptance(null, 0.95, engine));
    }

    @Test
    void theTargetAccuracyLooksUpTheEnginesCalibratedThresholdNumerically() {
        InferenceEngine engine = calibrated(Map.of("0.98", 0.7, "0.950", 0.4));
        assertEquals(0.7, threshold(null, null, engine), "0.98 is the default target");
        assertEquals(0.4, threshold(null, 0.95, engine));
    }

    @Test
    void aMissingCalibrationOrANonsenseValueIsAClearError() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> threshold(null, 0.99, calibrated(Map.of("0.98", 0.7))));
        assertTrue(missing.getMessage().contains("m-1 has no threshold calibrated for 0.99")
                && missing.getMessage().contains("0.98"), missing.getMessage());
        IllegalArgumentException tooHigh = assertThrows(IllegalArgumentException.class,
                () -> threshold(1.5, null, calibrated(Map.of())));
        assertTrue(tooHigh.getMessage().contains("[0, 1], got 1.5"), tooHigh.getMessage());
        IllegalArgumentException badTarget = assertThrows(IllegalArgumentException.class,
                () -> threshold(null, 0.0, calibrated(Map.of())));
        assertTrue(badTarget.getMessage().contains("(0, 1]"), badTarget.getMessage());
    }
}
