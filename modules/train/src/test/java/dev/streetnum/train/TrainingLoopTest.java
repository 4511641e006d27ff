package dev.streetnum.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.model.Preset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.learning.config.Adam;

class TrainingLoopTest {

    private static final int BATCHES = 3;
    private static final int ITERATIONS = 8;
    private static final int CHECKPOINT_EVERY = 4;

    /** The loop's validation, reduced to something deterministic in the parameters. */
    private static final class ScoreOnBatch implements TrainingLoop.Validation {
        private final MultiDataSet batch;

        ScoreOnBatch(MultiDataSet batch) {
            this.batch = batch;
        }

        @Override
        public SequenceScore train(ComputationGraph net) {
            return val(net);
        }

        @Override
        public SequenceScore val(ComputationGraph net) {
            double a = 1 / (1 + net.score(batch, false));
            return new SequenceScore(1, a, a, 0.5);
        }
    }

    private static final class Recorder implements TrainingLoop.Events {
        final List<Long> bestAt = new ArrayList<>();

        @Override
        public void best(ComputationGraph net, MetricsRow row) {
            bestAt.add(row.iteration());
        }

        @Override
        public void validated(List<MetricsRow> history) {
        }
    }

    private static TrainConfig config() {
        TrainConfig d = TrainConfig.defaults(Preset.TINY);
        // Dropout in the net and a cosine schedule: both must replay identically after a resume.
        return new TrainConfig(Preset.TINY, 100, 0, ITERATIONS, 4, 1e-2, LearningRateSchedule.COSINE, 0, 0.2,
                7, CHECKPOINT_EVERY, 1, 0, 0, 1, null);
    }

    @Test
    void resumedRunEndsWithTheSameParametersAsAnUninterruptedOne(@TempDir Path dir) throws Exception {
        List<MultiDataSet> data = TinyGraphs.batches(BATCHES, 4, 11);
        TrainConfig config = config();
        ScoreOnBatch validation = new ScoreOnBatch(data.get(0));

        Path straightFile = dir.resolve("straight.checkpoint");
        ComputationGraph straight = TinyGraphs.twoHeads(3, new Adam(1e-2), 0.2);
        TrainerState end = new TrainingLoop(config, straightFile, new TinyGraphs.FixedBatches(data, 0), validation,
                new Recorder(), null).run(straight, TrainerState.start());
        assertEquals(ITERATIONS, end.iteration());
        assertEquals(ITERATIONS / (double) BATCHES, end.epoch(), 1.0, "the run crossed epoch boundaries");

        // Dies while training iteration 6, after the checkpoint at 4 was written (mid-epoch: 4 % 3 != 0).
        Path killedFile = dir.resolve("killed.checkpoint");
        ComputationGraph killed = TinyGraphs.twoHeads(3, new Adam(1e-2), 0.2);
        assertThrows(IllegalStateException.class, () -> new TrainingLoop(config, killedFile,
                new TinyGraphs.FixedBatches(data, CHECKPOINT_EVERY + 1), validation, new Recorder(), null)
                .run(killed, TrainerState.start()));
        Checkpoint.Saved saved = Checkpoint.load(killedFile, TrainingLoop.runIdentity(config));
        assertEquals(CHECKPOINT_EVERY, saved.state().iteration());
        assertEquals(CHECKPOINT_EVERY % BATCHES, saved.state().batchInEpoch());

        TrainerState resumedEnd = new TrainingLoop(config, killedFile, new TinyGraphs.FixedBatches(data, 0),
                validation, new Recorder(), null).run(saved.network(), saved.state());

        assertEquals(end.iteration(), resumedEnd.iteration());
        assertEquals(end.epoch(), resumedEnd.epoch());
        assertArrayEquals(straight.params().toFloatVector(), saved.network().params().toFloatVector(), 1e-6f);
        assertArrayEquals(straight.getUpdater().getStateViewArray().toFloatVector(),
                saved.network().getUpdater().getStateViewArray().toFloatVector(), 1e-6f, "Adam's moments");
        assertEquals(end.history().size(), resumedEnd.history().size());
        for (int i = 0; i < end.history().size(); i++) {
            assertEquals(end.history().get(i).trainLoss(), resumedEnd.history().get(i).trainLoss(), 1e-6);
        }
        assertFalse(Files.exists(dir.resolve("killed.checkpoint.tmp")), "no temporary file is left behind");
    }

    @Test
    void dropoutSeedingMakesTheRunDependOnTheSeed(@TempDir Path dir) {
        // Guards the test above from passing trivially: a different run seed must give different parameters.
        List<MultiDataSet> data = TinyGraphs.batches(BATCHES, 4, 11);
        TrainConfig a = config();
        TrainConfig b = new TrainConfig(a.preset(), a.epochs(), 0, a.maxIterations(), a.batchSize(), a.learningRate(),
                a.schedule(), 0, a.dropout(), a.seed() + 1, a.validationInterval(), 1, 0, 0, 1, null);
        ComputationGraph netA = TinyGraphs.twoHeads(3, new Adam(1e-2), 0.2);
        ComputationGraph netB = TinyGraphs.twoHeads(3, new Adam(1e-2), 0.2);
        ScoreOnBatch validation = new ScoreOnBatch(data.get(0));
        new TrainingLoop(a, dir.resolve("a"), new TinyGraphs.FixedBatches(data, 0), validation, new Recorder(), null)
                .run(netA, TrainerState.start());
        new TrainingLoop(b, dir.resolve("b"), new TinyGraphs.FixedBatches(data, 0), validation, new Recorder(), null)
                .run(netB, TrainerState.start());
        assertFalse(netA.params().equalsWithEps(netB.params(), 1e-6));
    }

    @Test
    void learningRateIsChangedInPlace() {
        // Adam's first step moves every parameter with a non-zero gradient by almost exactly the rate
        // (m / sqrt(v) = +-1 at t = 1), so the largest change measures the rate the updater really used.
        List<MultiDataSet> data = TinyGraphs.batches(1, 4, 5);
        ComputationGraph net = TinyGraphs.twoHeads(3, new Adam(1e-1), 0);
        org.nd4j.linalg.api.ndarray.INDArray before = net.params().dup();
        double rate = 1e-4;
        TrainingLoop.setLearningRate(net, rate);
        net.fit(data.get(0));
        double largest = net.params().sub(before).amaxNumber().doubleValue();
        assertEquals(rate, largest, rate * 0.01, "largest first Adam step");
        assertEquals(rate, net.getLearningRate("dense1"), 1e-15);
    }

    @Test
    void resumingWithOtherSettingsOrWithoutACheckpointIsRefused(@TempDir Path dir) {
        TrainConfig config = config();
        Exception missing = assertThrows(RuntimeException.class,
                () -> Checkpoint.load(dir.resolve("none.checkpoint"), TrainingLoop.runIdentity(config)));
        assertTrue(missing.getMessage().contains("none.checkpoint"), missing.getMessage());
        ComputationGraph net = TinyGraphs.twoHeads(3, new Adam(1e-2), 0);
        Path file = dir.resolve("c.checkpoint");
        Checkpoint.save(file, net, TrainerState.start(), TrainingLoop.runIdentity(config));
        Exception other = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.load(file, "preset=CPU seed=1 batch=4"));
        assertTrue(other.getMessage().contains("preset=CPU"), other.getMessage());
    }
}
