package dev.streetnum.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The benchmark's nearest-rank percentile, against values counted by hand. */
class ServiceBenchmarkTest {

    @Test
    void nearestRankPercentileOfSortedLatencies() {
        double[] tens = IntStream.rangeClosed(1, 10).mapToDouble(i -> 10.0 * i).toArray(); // 10, 20, ... 100
        // Nearest rank: the ceil(p * n)-th smallest. p50 of 10 values is the 5th; p99 the 10th; p10 the 1st.
        assertEquals(50, ServiceBenchmark.percentile(tens, 0.50));
        assertEquals(100, ServiceBenchmark.percentile(tens, 0.99));
        assertEquals(10, ServiceBenchmark.percentile(tens, 0.10));
        assertEquals(20, ServiceBenchmark.percentile(tens, 0.11));
        double[] hundred = IntStream.rangeClosed(1, 100).mapToDouble(i -> i).toArray();
        assertEquals(99, ServiceBenchmark.percentile(hundred, 0.99));
        assertEquals(50, ServiceBenchmark.percentile(hundred, 0.50));
        assertEquals(7, ServiceBenchmark.percentile(new double[] {7}, 0.99));
    }
}
