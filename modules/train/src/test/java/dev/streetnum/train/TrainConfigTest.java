package dev.streetnum.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.model.Preset;
import org.junit.jupiter.api.Test;

class TrainConfigTest {

    @Test
    void badValuesAreRefusedWithASentenceNamingThem() {
        TrainConfig d = TrainConfig.defaults(Preset.TINY);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TrainConfig(d.preset(),
                0, 0, 0, 32, 1e-3, d.schedule(), 0, 0, 1, 10, 10, 0, 0, 1, null));
        assertTrue(e.getMessage().contains("epochs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TrainConfig(d.preset(),
                1, 0, 0, 32, 1e-3, d.schedule(), 0, 1.0, 1, 10, 10, 0, 0, 1, null));
        assertTrue(e.getMessage().contains("dropout"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TrainConfig(d.preset(),
                1, 0, 0, 0, 1e-3, d.schedule(), 0, 0, 1, 10, 10, 0, 0, 1, null));
        assertTrue(e.getMessage().contains("batch size"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TrainConfig(d.preset(),
                1, -1, 0, 32, 1e-3, d.schedule(), 0, 0, 1, 10, 10, 0, 0, 1, null));
        assertTrue(e.getMessage().contains("time budget"), e.getMessage());
    }

    @Test
    void plannedIterationsAreEpochsCappedByMaxIterations() {
        TrainConfig d = TrainConfig.defaults(Preset.TINY);
        assertEquals(30L * 7, d.plannedIterations(7));
        TrainConfig capped = new TrainConfig(d.preset(), 30, 0, 50, 32, 1e-3, d.schedule(), 0, 0, 1, 10, 10, 0, 0, 1, null);
        assertEquals(50, capped.plannedIterations(7));
    }

    @Test
    void schedulesByHand() {
        assertEquals(0.1, LearningRateSchedule.CONSTANT.rate(0.1, 77, 100), 1e-15);
        assertEquals(0.1, LearningRateSchedule.STEP.rate(0.1, 49, 100), 1e-15);
        assertEquals(0.01, LearningRateSchedule.STEP.rate(0.1, 50, 100), 1e-15);
        assertEquals(0.001, LearningRateSchedule.STEP.rate(0.1, 75, 100), 1e-15);
        assertEquals(0.1, LearningRateSchedule.COSINE.rate(0.1, 0, 100), 1e-15);
        // Halfway: floor + (1 - floor) * 0.5 * (1 + cos(pi/2)) = 0.01 + 0.99 * 0.5
        assertEquals(0.1 * (0.01 + 0.495), LearningRateSchedule.COSINE.rate(0.1, 50, 100), 1e-15);
        assertEquals(0.1 * 0.01, LearningRateSchedule.COSINE.rate(0.1, 100, 100), 1e-15);
    }

    @Test
    void aTimeBudgetDrivesTheScheduleWhenItIsFurtherAlongThanTheIterations() {
        // 30 s of a 60 s budget, 10 of 100 iterations: half way.
        assertEquals(0.5, LearningRateSchedule.progress(10, 100, 30_000, 60_000), 1e-15);
        // 80 of 100 iterations, 30 s of 60 s: the iterations are further along.
        assertEquals(0.8, LearningRateSchedule.progress(80, 100, 30_000, 60_000), 1e-15);
        // No budget: iterations only.
        assertEquals(0.1, LearningRateSchedule.progress(10, 100, 999_999, 0), 1e-15);
        assertEquals(0.1 * (0.01 + 0.495), LearningRateSchedule.COSINE.rateAt(0.1, 0.5), 1e-15);
        // Past the budget the rate stays at the floor.
        assertEquals(0.1 * 0.01, LearningRateSchedule.COSINE.rateAt(0.1,
                LearningRateSchedule.progress(10, 100, 90_000, 60_000)), 1e-15);
    }

    @Test
    void seedSplitIsDeterministicAndGivesDistinctStreams() {
        SeedSplit a = SeedSplit.of(42);
        assertEquals(a, SeedSplit.of(42));
        assertNotEquals(a.init(), a.data());
        assertNotEquals(a.data(), a.dropout());
        assertNotEquals(a, SeedSplit.of(43));
        assertEquals(a.dropoutSeed(5), SeedSplit.of(42).dropoutSeed(5));
        assertNotEquals(a.dropoutSeed(5), a.dropoutSeed(6));
    }


    @Test
    void trainingDefaultsAreTheNetworksDefaults() {
        // One set of defaults: what the benchmark and the tests build equals what a default run trains.
        dev.streetnum.model.NetworkOptions training = TrainConfig.defaults(Preset.CPU).networkOptions();
        dev.streetnum.model.NetworkOptions network = dev.streetnum.model.NetworkOptions.DEFAULT;
        assertEquals(network.learningRate(), training.learningRate());
        assertEquals(network.weightDecay(), training.weightDecay());
        assertEquals(network.dropout(), training.dropout());
    }
}
