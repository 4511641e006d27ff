package dev.streetnum.model;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Writes the frozen test bundle, once per format version, by hand:
 * {@code ./mvnw -B -o -q -pl modules/model -am verify -Dtest=FrozenBundleWriter -Dsurefire.failIfNoSpecifiedTests=false
 * -Dstreetnum.writeFrozen=$PWD/modules/model/src/test/resources/frozen/tiny-format1.bundle}. The length-head output
 * on a fixed probe input is stored in the bundle's metrics, so the test checks the weights too.
 */
final class FrozenBundleWriter {

    static final String RESOURCE = "/frozen/tiny-format1.bundle";
    private static final String METRIC_PREFIX = "frozen_length_probability_";


    /** A deterministic input that does not depend on ND4J's random generator. */
    static INDArray probeInput() {
        float[] values = new float[3 * 54 * 54];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) Math.sin(i * 0.01);
        }
        return Nd4j.create(values, new long[] {1, 3, 54, 54}, DataType.FLOAT);
    }

    static double[] expectedLengthProbabilities(BundleMetadata metadata) {
        double[] p = new double[7];
        for (int j = 0; j < p.length; j++) {
            p[j] = metadata.metrics().get(METRIC_PREFIX + j);
        }
        return p;
    }

    @Test
    @EnabledIfSystemProperty(named = "streetnum.writeFrozen", matches = ".+")
    void write() {
        ModelBundle bundle = TestBundles.tiny(20240101);
        double[] p = bundle.network().output(false, probeInput())[0].toDoubleVector();
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (int j = 0; j < p.length; j++) {
            metrics.put(METRIC_PREFIX + j, p[j]);
        }
        bundle.withMetadata(bundle.metadata().withMetrics(metrics)
                .withThresholds(Thresholds.NONE.with(TargetAccuracy.PAPER, 0.5)))
                .save(Path.of(System.getProperty("streetnum.writeFrozen")));
    }
}
