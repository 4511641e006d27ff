package dev.streetnum.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.model.Preset;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.learning.config.Adam;

class TrainingLoopTest {

    private static final int BATCHES = 3;
    private static final int ITERATIONS = 8;
    private static final int CHECKPOINT_EVERY = 4;

    /** The loop's validation, reduced to something deterministic in the parameters. */
    private static final class ScoreOnBatch implements TrainingLoop.Validation<MetricsRow> {
        private final MultiDataSet batch;

        ScoreOnBatch(MultiDataSet batch) {
            this.batch = batch;
        }

        @Override
        public MetricsRow score(ComputationGraph net, TrainingLoop.Interval since) {
            double a = 1 / (1 + net.score(batch, false));
            SequenceScore score = new SequenceScore(1, a, a, 0.5);
            return new MetricsRow(since.iteration(), since.epoch(), since.learningRate(), since.meanLoss(), score, score,
                    since.imagesPerSecond(), since.elapsedSeconds());
        }
    }

    private static final class Recorder implements TrainingLoop.Events<MetricsRow> {
        final List<Long> bestAt = new ArrayList<>();

        @Override
        public void best(ComputationGraph net, MetricsRow row) {
            bestAt.add(row.iteration());
        }

        @Override
        public void validated(List<MetricsRow> history, MetricsRow best) {
        }
    }

    /** The transcriber's loop as {@link Trainer} builds it, checkpointing to {@code file}. */
    private static TrainingLoop<MetricsRow> loop(TrainConfig config, Path file, TinyGraphs.FixedBatches batches,
                                                 ScoreOnBatch validation) {
        return new TrainingLoop<>("train", config.loopPlan(batches.batchesPerEpoch()), batches, validation,
                new Recorder()).checkpointingTo(file, config.runIdentity());
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
        TrainerState<MetricsRow> end = loop(config, straightFile, new TinyGraphs.FixedBatches(data, 0), validation)
                .run(straight, TrainerState.start());
        assertEquals(ITERATIONS, end.iteration());
        assertEquals(ITERATIONS / (double) BATCHES, end.epoch(), 1.0, "the run crossed epoch boundaries");

        // Dies while training iteration 6, after the checkpoint at 4 was written (mid-epoch: 4 % 3 != 0).
        Path killedFile = dir.resolve("killed.checkpoint");
        ComputationGraph killed = TinyGraphs.twoHeads(3, new Adam(1e-2), 0.2);
        assertThrows(IllegalStateException.class, () -> loop(config, killedFile,
                new TinyGraphs.FixedBatches(data, CHECKPOINT_EVERY + 1), validation).run(killed, TrainerState.start()));
        Checkpoint.Saved saved = Checkpoint.load(killedFile, config.runIdentity());
        assertEquals(CHECKPOINT_EVERY, saved.state().iteration());
        assertEquals(CHECKPOINT_EVERY % BATCHES, saved.state().batchInEpoch());

        TrainerState<MetricsRow> resumedEnd = loop(config, killedFile, new TinyGraphs.FixedBatches(data, 0), validation)
                .run(saved.network(), saved.state());

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
        loop(a, dir.resolve("a"), new TinyGraphs.FixedBatches(data, 0), validation).run(netA, TrainerState.start());
        loop(b, dir.resolve("b"), new TinyGraphs.FixedBatches(data, 0), validation).run(netB, TrainerState.start());
        assertFalse(netA.params().equalsWithEps(netB.params(), 1e-6));
    }

    /** The localizer's plan: no epochs to speak of, a cosine over the iteration cap or the budget. */
    private static LocalizerConfig localizerConfig(double minutes, long maxIterations, int validateEvery) {
        return new LocalizerConfig(32, minutes, maxIterations, 4, 1e-2, 3, validateEvery, 0.4, 0.3, 0.5, 1);
    }

    @Test
    void theLocalizersRunKeepsTheNetworkOfItsBestValidationNotTheLast() {
        List<MultiDataSet> data = TinyGraphs.batches(BATCHES, 4, 13);
        // Scripted mean IoUs at iterations 2, 4, 6, 8: the best is the second.
        Iterator<Double> ious = List.of(0.2, 0.7, 0.5, 0.4).iterator();
        List<org.nd4j.linalg.api.ndarray.INDArray> paramsAt = new ArrayList<>();
        TrainingLoop.Validation<LocalizerTrainer.MeanIou> validation = (net, since) -> {
            paramsAt.add(net.params().dup());
            return new LocalizerTrainer.MeanIou(since.iteration(), ious.next());
        };
        StringWriter log = new StringWriter();
        LocalizerTrainer.BestNetwork events = new LocalizerTrainer.BestNetwork(new PrintWriter(log));
        ComputationGraph net = TinyGraphs.twoHeads(3, new Adam(1e-2), 0);
        TrainerState<LocalizerTrainer.MeanIou> end = new TrainingLoop<>("train-localizer",
                localizerConfig(0, ITERATIONS, 2).loopPlan(), new TinyGraphs.FixedBatches(data, 0), validation, events)
                .run(net, TrainerState.start());

        assertEquals(ITERATIONS, end.iteration(), "the run stops at its maximum iterations");
        assertEquals(List.of(2L, 4L, 6L, 8L), end.history().stream().map(LocalizerTrainer.MeanIou::iteration).toList());
        assertTrue(log.toString().contains("iteration 8, validation mean IoU 0.4000 (best 0.7000 at 4)"), log.toString());
        assertEquals(4, end.best().iteration());
        assertEquals(0.7, end.best().value());
        assertEquals(2, end.validationsSinceBest());
        assertArrayEquals(paramsAt.get(1).toFloatVector(), events.network().params().toFloatVector(), 0f,
                "the kept network is the one validated at iteration 4");
        assertFalse(events.network().params().equalsWithEps(net.params(), 1e-6), "training went on after it");
    }

    @Test
    @Timeout(120)
    void aBudgetAloneEndsTheLocalizersRunOnTheClockWithTheScheduleFollowingIt() {
        List<MultiDataSet> data = TinyGraphs.batches(BATCHES, 4, 17);
        double minutes = 0.02;
        LocalizerConfig config = localizerConfig(minutes, 0, 1_000_000);
        assertEquals(TrainingLoop.UNLIMITED, config.loopPlan().plannedIterations());
        List<TrainingLoop.Interval> seen = new ArrayList<>();
        ComputationGraph net = TinyGraphs.twoHeads(3, new Adam(1e-2), 0);
        net.fit(data.get(0)); // the first fit of a JVM is slow (native set-up): warm up so the budget holds several
        TrainerState<LocalizerTrainer.MeanIou> end = new TrainingLoop<>("train-localizer", config.loopPlan(),
                new TinyGraphs.FixedBatches(data, 0), (n, since) -> {
                    seen.add(since);
                    return new LocalizerTrainer.MeanIou(since.iteration(), 0.5);
                }, new LocalizerTrainer.BestNetwork(new PrintWriter(new StringWriter()))).run(net, TrainerState.start());

        assertTrue(end.trainingMillis() >= minutes * 60_000, end.trainingMillis() + " ms");
        assertTrue(end.iteration() > 1 && end.iteration() < 1_000_000, "ended by the clock at " + end.iteration());
        assertEquals(1, seen.size(), "one validation, at the end");
        assertEquals(end.iteration(), seen.get(0).iteration());
        // Progress follows the clock, not iteration / UNLIMITED (which would leave the rate at the base).
        assertTrue(seen.get(0).learningRate() < 0.9 * 1e-2, "the last rate " + seen.get(0).learningRate());
    }

    @Test
    void theBudgetsProjectedEndIsTheRemainingTimeAtThePaceSoFarCappedByThePlan() {
        // 10 iterations in 1 s, 2 s of a 3 s budget left: 20 more.
        assertEquals(30, TrainingLoop.projectedEnd(10, 1_000, 10, 1_000, 3_000, TrainingLoop.UNLIMITED));
        assertEquals(25, TrainingLoop.projectedEnd(10, 1_000, 10, 1_000, 3_000, 25));
        // Resumed at 100 after 20 s: 5 iterations in 1 s since, 9 s left at 200 ms each is 45 more.
        assertEquals(150, TrainingLoop.projectedEnd(5, 1_000, 105, 21_000, 30_000, 1_000));
        assertEquals(40, TrainingLoop.projectedEnd(40, 4_000, 40, 4_000, 3_000, 1_000), "the budget is spent");
        assertEquals(TrainingLoop.UNLIMITED, TrainingLoop.projectedEnd(1, 0, 1, 0, 1e12, TrainingLoop.UNLIMITED),
                "a pace too fast to measure does not overflow");
    }

    @Test
    void bothConfigsMakeAPlanAndAnEndlessOneIsRefused() {
        TrainConfig transcriber = config();
        TrainingLoop.Plan plan = transcriber.loopPlan(BATCHES);
        assertEquals(ITERATIONS, plan.plannedIterations(), "capped by max iterations, not 100 epochs of 3");
        assertEquals(LearningRateSchedule.COSINE, plan.schedule());
        assertEquals(CHECKPOINT_EVERY, plan.validationInterval());
        assertEquals(500, localizerConfig(20, 500, 7).loopPlan().plannedIterations());
        assertEquals(7, localizerConfig(20, 500, 7).loopPlan().validationInterval());
        assertEquals(0, localizerConfig(20, 500, 7).loopPlan().patience());
        Exception endless = assertThrows(IllegalArgumentException.class,
                () -> new TrainingLoop.Plan(TrainingLoop.UNLIMITED, 0, LearningRateSchedule.COSINE, 1e-3, 1, 0, 1));
        assertTrue(endless.getMessage().contains("time budget"), endless.getMessage());
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
                () -> Checkpoint.load(dir.resolve("none.checkpoint"), config.runIdentity()));
        assertTrue(missing.getMessage().contains("none.checkpoint"), missing.getMessage());
        ComputationGraph net = TinyGraphs.twoHeads(3, new Adam(1e-2), 0);
        Path file = dir.resolve("c.checkpoint");
        Checkpoint.save(file, net, TrainerState.start(), config.runIdentity());
        Exception other = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.load(file, "preset=CPU seed=1 batch=4"));
        assertTrue(other.getMessage().contains("preset=CPU"), other.getMessage());
    }
}
