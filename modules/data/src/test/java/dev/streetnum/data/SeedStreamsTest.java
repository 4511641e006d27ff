package dev.streetnum.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SeedStreamsTest {

    @Test
    void deriveIsSplitMix64OverTheGoldenRatioStep() {
        // Independent: SplittableRandom(s).nextLong() is SplitMix64's finaliser of s + gamma.
        long seed = 42;
        long stream = 7;
        long expected = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + stream).nextLong();
        assertEquals(expected, SeedStreams.derive(seed, stream));
    }

    @Test
    void neighbouringSeedsAndStreamsGiveDistinctChildren() {
        Set<Long> children = new HashSet<>();
        for (long seed = 0; seed < 50; seed++) {
            for (long stream = 0; stream < 50; stream++) {
                children.add(SeedStreams.derive(seed, stream));
            }
        }
        assertEquals(2500, children.size());
        assertNotEquals(SeedStreams.derive(1, 2), SeedStreams.derive(2, 1));
    }

    @Test
    void datasetSplitsKeepTheirPublishedSeeds() {
        // generate --seed 1 made the README's sets from these: 1000003, 1000004, 1000005.
        assertEquals(1_000_003L, SeedStreams.datasetSplit(1, 0));
        assertEquals(1_000_005L, SeedStreams.datasetSplit(1, 2));
    }
}
