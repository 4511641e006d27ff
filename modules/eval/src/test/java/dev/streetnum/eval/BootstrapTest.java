package dev.streetnum.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.eval.Bootstrap.Interval;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BootstrapTest {

    @Test
    void theIntervalHoldsTheMiddleNinetyPercentOfTheValues() {
        double[] values = new double[1000];
        for (int i = 0; i < values.length; i++) {
            values[values.length - 1 - i] = i + 1; // 1000..1: the order given must not matter
        }
        // 50 values (1..50) below the interval, 50 (951..1000) above it, 900 inside.
        assertEquals(new Interval(51, 950), Interval.percentile(values, 0.90));
        assertEquals(new Interval(3, 3), Interval.percentile(new double[] {3}, 0.90));
    }

    @Test
    void valuesWithoutAFigureAreLeftOutAndNoneGivesNoInterval() {
        double[] values = new double[40];
        Arrays.fill(values, Double.NaN);
        assertTrue(Double.isNaN(Interval.percentile(values, 0.90).low()));
        for (int i = 0; i < 20; i++) {
            values[2 * i] = i; // 0..19 among 20 NaNs: the 5% tails of 20 values are one value each
        }
        assertEquals(new Interval(1, 18), Interval.percentile(values, 0.90));
    }

    /**
     * The independent computation: the share of right answers among n photos, p = 0.8, has standard
     * error sqrt(p(1-p)/n), so its 90% interval is p -+ 1.645 standard errors, to within the draws' noise.
     */
    @Test
    void theIntervalOfAMeanMatchesTheNormalApproximation() {
        int n = 500;
        double[] right = new double[n];
        for (int i = 0; i < 400; i++) {
            right[i] = 1;
        }
        Interval interval = new Bootstrap(4000, 7).intervals(n, draw -> {
            double sum = 0;
            for (int i : draw) {
                sum += right[i];
            }
            return new double[] {sum / n};
        })[0];
        double halfWidth = 1.645 * Math.sqrt(0.8 * 0.2 / n);
        assertEquals(0.8 - halfWidth, interval.low(), 0.004);
        assertEquals(0.8 + halfWidth, interval.high(), 0.004);
    }

    @Test
    void aDrawTakesAsManyPhotosAsTheSetHoldsEachEquallyOften() {
        int n = 50;
        long[] drawn = new long[n];
        double[][] sizes = new Bootstrap(2000, 3).replicates(n, draw -> {
            for (int i : draw) {
                drawn[i]++;
            }
            return new double[] {draw.length};
        });
        assertTrue(Arrays.stream(sizes[0]).allMatch(s -> s == n));
        // 2000 draws of 50: each photo is drawn 2000 times on average, with standard deviation about 44.
        assertTrue(Arrays.stream(drawn).allMatch(c -> Math.abs(c - 2000) < 250), Arrays.toString(drawn));
    }

    @Test
    void theSameSeedDrawsTheSamePhotos() {
        java.util.function.Function<int[], double[]> first = draw -> new double[] {draw[0], draw[draw.length - 1]};
        double[][] once = new Bootstrap(30, 5).replicates(100, first);
        assertArrayEquals(once[0], new Bootstrap(30, 5).replicates(100, first)[0]);
        assertFalse(Arrays.equals(once[0], new Bootstrap(30, 6).replicates(100, first)[0]));
    }

    @Test
    void refusesTooFewDrawsAndAnEmptySet() {
        assertThrows(IllegalArgumentException.class, () -> new Bootstrap(19, 1));
        assertThrows(IllegalArgumentException.class, () -> Bootstrap.standard().replicates(0, d -> new double[] {0}));
    }
}
