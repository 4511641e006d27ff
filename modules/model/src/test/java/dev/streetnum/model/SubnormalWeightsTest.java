package dev.streetnum.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.PreprocessConfig;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Subnormals, told apart by their binary exponent (independent of the flush's magnitude test), become zero. */
class SubnormalWeightsTest {

    @TempDir
    Path dir;

    /** A nonzero float whose exponent field is all zeros: Java reports its exponent as MIN_EXPONENT - 1. */
    private static boolean subnormal(float v) {
        return v != 0 && Math.getExponent(v) == Float.MIN_EXPONENT - 1;
    }

    private static boolean subnormal(double v) {
        return v != 0 && Math.getExponent(v) == Double.MIN_EXPONENT - 1;
    }

    @Test
    void exactlyTheSubnormalsOfAFloatOrDoubleArrayBecomeZero() {
        Random random = new Random(3);
        float[] floats = new float[400];
        for (int i = 0; i < floats.length; i++) {
            // Magnitudes from 1e-45 to 1e-30 straddle the smallest normal float, 1.18e-38.
            floats[i] = (float) (random.nextGaussian() * Math.pow(10, -30 - 15 * random.nextDouble()));
        }
        float[] edges = {Float.MIN_VALUE, -Float.MIN_VALUE, Math.nextDown(Float.MIN_NORMAL), Float.MIN_NORMAL,
            -Float.MIN_NORMAL, 0f, -0f, 1e-30f, 3.5f, -2f};
        System.arraycopy(edges, 0, floats, 0, edges.length);
        INDArray array = Nd4j.createFromArray(floats);
        SubnormalWeights.flushToZero(array);
        float[] got = array.toFloatVector();
        int flushed = 0;
        for (int i = 0; i < floats.length; i++) {
            float expected = subnormal(floats[i]) ? 0f : floats[i];
            assertEquals(expected, got[i], 0f, "float " + i + " was " + floats[i]);
            flushed += subnormal(floats[i]) ? 1 : 0;
        }
        assertTrue(flushed > 50 && flushed < 350, "both kinds were present: " + flushed + " subnormal");

        double[] doubles = {Double.MIN_VALUE, Math.nextDown(Double.MIN_NORMAL), Double.MIN_NORMAL, 1e-310, -1e-320,
            1e-300, Float.MIN_VALUE, 0, 7};
        INDArray doubleArray = Nd4j.createFromArray(doubles);
        SubnormalWeights.flushToZero(doubleArray);
        double[] gotDoubles = doubleArray.toDoubleVector();
        for (int i = 0; i < doubles.length; i++) {
            assertEquals(subnormal(doubles[i]) ? 0 : doubles[i], gotDoubles[i], 0, "double " + i + " was " + doubles[i]);
        }
    }

    @Test
    void aBundleWithSubnormalWeightsLoadsWithThemZeroAndReadsAsBefore() {
        ModelBundle original = TestBundles.tiny(5);
        INDArray params = original.network().params();
        float[] before = params.toFloatVector();
        for (int i = 0; i < before.length; i += 3) {
            // A third of the weights subnormal, as long training had left 16% of the shipped bundle's.
            before[i] = (i % 2 == 0 ? 1 : -1) * Float.MIN_VALUE * (1 + i % 1000);
        }
        params.assign(Nd4j.createFromArray(before).reshape(params.shape()));
        int crop = PreprocessConfig.DEFAULT.crop();
        INDArray photo = Nd4j.rand(DataType.FLOAT, 2, 3, crop, crop).subi(0.5);
        INDArray[] expected = original.network().output(photo);
        Path file = dir.resolve("subnormal.bundle");
        original.save(file);

        ModelBundle loaded = ModelBundle.load(file);

        float[] after = loaded.network().params().toFloatVector();
        for (int i = 0; i < before.length; i++) {
            assertEquals(subnormal(before[i]) ? 0f : before[i], after[i], 0f, "parameter " + i);
        }
        INDArray[] got = loaded.network().output(photo);
        for (int head = 0; head < expected.length; head++) {
            assertArrayEquals(expected[head].ravel().toFloatVector(), got[head].ravel().toFloatVector(), 1e-6f, "head " + head);
        }
    }
}
