package dev.streetnum.onnx;

import java.util.Arrays;

/**
 * A tensor's values seen during calibration, kept as an evenly strided sample (a few million values
 * at most, whatever the calibration set's size), and the uint8 quantization they call for.
 */
final class ActivationRange {

    /** Most values kept per tensor: enough for a 99.999th percentile, small enough to sort. */
    static final int MAX_SAMPLES = 2_000_000;

    private final int stride;
    private float[] samples = new float[1024];
    private int count;
    private long seen;

    /** @param expectedValues the tensor's values over the whole calibration set, to set the stride */
    ActivationRange(long expectedValues) {
        this.stride = (int) Math.max(1, (expectedValues + MAX_SAMPLES - 1) / MAX_SAMPLES);
    }

    /** Adds every stride-th value; the offset moves with the running count so no pixel position is favoured. */
    void add(java.nio.FloatBuffer values) {
        int n = values.remaining();
        int first = (int) ((stride - seen % stride) % stride);
        for (int i = first; i < n; i += stride) {
            if (count == samples.length) {
                samples = Arrays.copyOf(samples, samples.length * 2);
            }
            samples[count++] = values.get(values.position() + i);
        }
        seen += n;
    }

    int sampleCount() {
        return count;
    }

    /** The value below which {@code percent}% of the samples lie (nearest rank). */
    double percentile(double percent) {
        if (count == 0) {
            throw new IllegalStateException("no values seen");
        }
        float[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        // percent * count / 100, not percent / 100 * count: 99.9 / 100 * 1000 is 999.0000000000001.
        int rank = (int) Math.ceil(percent * count / 100);
        return sorted[Math.max(0, Math.min(count - 1, rank - 1))];
    }

    /**
     * Asymmetric uint8 quantization of [low, high] widened to hold 0 (so zero padding and ReLU's zeros
     * are exact): scale = (high - low) / 255, zero point = round(-low / scale).
     */
    static QuantParams uint8(double low, double high) {
        double lo = Math.min(0, low);
        double hi = Math.max(0, high);
        if (hi - lo <= 0) {
            hi = lo + 1e-6; // an all-zero tensor: any positive scale represents it exactly
        }
        double scale = (hi - lo) / 255;
        int zeroPoint = (int) Math.max(0, Math.min(255, Math.round(-lo / scale)));
        return new QuantParams((float) scale, zeroPoint);
    }

    /** @param zeroPoint in 0..255 */
    record QuantParams(float scale, int zeroPoint) {
    }
}
