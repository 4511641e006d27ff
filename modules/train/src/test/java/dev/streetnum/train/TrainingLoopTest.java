package dev.streetnum.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import dev.streetnum.model.LocalizerInput;
import dev.streetnum.model.LocalizerNetwork;
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
import org.nd4j.linalg.api.ndarray.INDArray;
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
            SequenceScore score = new SequenceScore(1, a, a, 0.5, 1 - a);
            return new MetricsRow(since.iteration(), since.epoch(), since.learningRate(), since.meanLoss(), score, score,
                    since.imagesPerSecond(), since.elapsedSeconds());
        }
    }

    private static final class Recorder implements TrainingLoop.Events<MetricsRow> {
        final List<Long> bestAt = new ArrayList<>();
        final List<float[]> bestParams = new ArrayList<>();

        @Override
        public void best(ComputationGraph net, MetricsRow row) {
            bestAt.add(row.iteration());
            bestParams.add(net.params().toFloatVector());
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
        assertFalse(List.of(dir.toFile().list()).stream().anyMatch(name -> name.endsWith(".tmp")),
                "no temporary file is left behind");
    }

    /**
     * A stop asked for after iteration 5 (between the checkpoints at 4 and 8) ends the run there with that
     * iteration saved, and the run resumed from it ends as the uninterrupted one does: no step lost.
     */
    @Test
    void aRunStoppedOnRequestSavesItsLastStepAndResumesFromIt(@TempDir Path dir) {
        List<MultiDataSet> data = TinyGraphs.batches(BATCHES, 4, 11);
        TrainConfig config = config();
        ScoreOnBatch validation = new ScoreOnBatch(data.get(0));
        ComputationGraph straight = TinyGraphs.twoHeads(3, new Adam(1e-2), 0.2);
        TrainingLoop<MetricsRow> straightLoop = loop(config, dir.resolve("straight.checkpoint"),
                new TinyGraphs.FixedBatches(data, 0), validation);
        TrainerState<MetricsRow> end = straightLoop.run(straight, TrainerState.start());
        assertFalse(straightLoop.stoppedOnRequest());

        int stopAfter = CHECKPOINT_EVERY + 1;
        int[] asked = {0};
        Path stoppedFile = dir.resolve("stopped.checkpoint");
        TrainingLoop<MetricsRow> stoppedLoop = loop(config, stoppedFile, new TinyGraphs.FixedBatches(data, 0), validation)
                .stoppingWhen(() -> ++asked[0] >= stopAfter);
        TrainerState<MetricsRow> stoppedAt = stoppedLoop.run(TinyGraphs.twoHeads(3, new Adam(1e-2), 0.2),
                TrainerState.start());
        assertTrue(stoppedLoop.stoppedOnRequest());
        assertEquals(stopAfter, asked[0], "asked once after each iteration");
        assertEquals(stopAfter, stoppedAt.iteration());
        Checkpoint.Saved saved = Checkpoint.load(stoppedFile, config.runIdentity());
        assertEquals(stopAfter, saved.state().iteration(), "the step after the last checkpoint is saved too");
        assertEquals(stopAfter % BATCHES, saved.state().batchInEpoch());

        TrainerState<MetricsRow> resumedEnd = loop(config, stoppedFile, new TinyGraphs.FixedBatches(data, 0), validation)
                .run(saved.network(), saved.state());
        assertEquals(end.iteration(), resumedEnd.iteration());
        assertArrayEquals(straight.params().toFloatVector(), saved.network().params().toFloatVector(), 1e-6f);
        assertEquals(end.history().size(), resumedEnd.history().size());
        for (int i = 0; i < end.history().size(); i++) {
            // The interval's mean training loss is that of the steps this process took; the scores are the weights'.
            assertEquals(end.history().get(i).val().accuracy(), resumedEnd.history().get(i).val().accuracy(), 1e-9);
        }
    }

    @Test
    void aResumedSharpnessAwareRunEndsAsAnUninterruptedOneAndNotAsAPlainOne(@TempDir Path dir) {
        List<MultiDataSet> data = TinyGraphs.batches(BATCHES, 4, 11);
        TrainConfig config = config().withSharpnessRadius(0.05);
        ScoreOnBatch validation = new ScoreOnBatch(data.get(0));
        ComputationGraph straight = TinyGraphs.twoHeads(3, new Adam(1e-2), 0.2);
        loop(config, dir.resolve("straight"), new TinyGraphs.FixedBatches(data, 0), validation)
                .steppingBy(config.sharpnessAwareStep()).run(straight, TrainerState.start());

        Path killedFile = dir.resolve("killed");
        ComputationGraph killed = TinyGraphs.twoHeads(3, new Adam(1e-2), 0.2);
        assertThrows(IllegalStateException.class, () -> loop(config, killedFile,
                new TinyGraphs.FixedBatches(data, CHECKPOINT_EVERY + 1), validation)
                .steppingBy(config.sharpnessAwareStep()).run(killed, TrainerState.start()));
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(killedFile, config().runIdentity()),
                "a plain run does not resume a sharpness-aware one");
        Checkpoint.Saved saved = Checkpoint.load(killedFile, config.runIdentity());
        loop(config, killedFile, new TinyGraphs.FixedBatches(data, 0), validation)
                .steppingBy(config.sharpnessAwareStep()).run(saved.network(), saved.state());
        assertArrayEquals(straight.params().toFloatVector(), saved.network().params().toFloatVector(), 1e-6f);

        ComputationGraph plain = TinyGraphs.twoHeads(3, new Adam(1e-2), 0.2);
        loop(config(), dir.resolve("plain"), new TinyGraphs.FixedBatches(data, 0), validation)
                .run(plain, TrainerState.start());
        assertFalse(plain.params().equalsWithEps(straight.params(), 1e-4), "the loop takes the sharpness-aware steps");
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

    /** Every call's parameters, in order: with an average, the raw weights' call comes before the average's. */
    private static final class RecordingScore implements TrainingLoop.Validation<MetricsRow> {
        final List<float[]> params = new ArrayList<>();
        private final ScoreOnBatch score;

        RecordingScore(MultiDataSet batch) {
            this.score = new ScoreOnBatch(batch);
        }

        @Override
        public MetricsRow score(ComputationGraph net, TrainingLoop.Interval since) {
            params.add(net.params().toFloatVector());
            return score.score(net, since);
        }
    }

    private static TrainConfig averagingConfig(double decay) {
        TrainConfig c = config();
        return new TrainConfig(c.preset(), c.epochs(), 0, c.maxIterations(), c.batchSize(), c.learningRate(),
                c.schedule(), 0, c.dropout(), c.seed(), 1, 1, 0, 0, 1, null, c.jitter(), c.preprocess(), null, decay,
                0);
    }

    @Test
    void anAveragingRunValidatesTheExponentialAverageOfTheSameRawPathAsAPlainRun(@TempDir Path dir) {
        List<MultiDataSet> data = TinyGraphs.batches(BATCHES, 4, 11);
        double decay = 0.7;
        TrainConfig plainConfig = averagingConfig(0);
        RecordingScore plainScores = new RecordingScore(data.get(0));
        ComputationGraph plain = TinyGraphs.twoHeads(3, new Adam(1e-2), 0.2);
        new TrainingLoop<>("train", plainConfig.loopPlan(BATCHES), new TinyGraphs.FixedBatches(data, 0), plainScores,
                new Recorder()).run(plain, TrainerState.start());

        TrainConfig config = averagingConfig(decay);
        RecordingScore scores = new RecordingScore(data.get(0));
        ComputationGraph net = TinyGraphs.twoHeads(3, new Adam(1e-2), 0.2);
        double[] expected = net.params().toDoubleVector();
        Recorder events = new Recorder();
        TrainerState<MetricsRow> end = new TrainingLoop<>("train", config.loopPlan(BATCHES),
                new TinyGraphs.FixedBatches(data, 0), scores, events)
                .averagingWeights(ExponentialWeightAverage.startingAt(net, decay), MetricsRow::withRawWeights)
                .run(net, TrainerState.start());

        assertEquals(ITERATIONS, plainScores.params.size(), "the plain run validates every iteration");
        assertEquals(2 * ITERATIONS, scores.params.size(), "the raw weights, then the average, at each point");
        for (int t = 1; t <= ITERATIONS; t++) {
            float[] raw = scores.params.get(2 * (t - 1));
            assertArrayEquals(plainScores.params.get(t - 1), raw, 1e-6f, "the raw path at iteration " + t);
            double d = Math.min(decay, (1.0 + t) / (10.0 + t));
            for (int i = 0; i < expected.length; i++) {
                expected[i] = d * expected[i] + (1 - d) * raw[i];
            }
            float[] averaged = scores.params.get(2 * t - 1);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], averaged[i], 1e-5, "average at iteration " + t + ", parameter " + i);
            }
        }
        assertArrayEquals(plain.params().toFloatVector(), net.params().toFloatVector(), 1e-6f,
                "training ends on the raw weights");
        MetricsRow last = end.history().get(ITERATIONS - 1);
        assertTrue(last.rawVal() != null, "each row keeps the raw weights' score beside the average's");
        assertEquals(plainScores.score(plain, new TrainingLoop.Interval(ITERATIONS, 0, 0, 0, 0, 0)).val().accuracy(),
                last.rawVal().accuracy(), 1e-6);
        assertTrue(events.bestParams.get(events.bestParams.size() - 1) != null);
        float[] keptAtBest = events.bestParams.get(events.bestParams.size() - 1);
        int bestAt = (int) end.best().iteration();
        assertArrayEquals(scores.params.get(2 * bestAt - 1), keptAtBest, 0f, "the best model kept is the average");
    }

    @Test
    void weightsLeftSubnormalByAStepAreZeroAfterItInTheNetworkAndInTheAverage() {
        // Input channel 0 is always zero, so conv1's weights on it get a zero gradient and Adam leaves them
        // exactly as they are: only the loop's flush can change them.
        List<MultiDataSet> data = TinyGraphs.batches(BATCHES, 4, 11);
        for (MultiDataSet batch : data) {
            batch.getFeatures(0).get(all(), point(0), all(), all()).assign(0);
        }
        ComputationGraph net = TinyGraphs.twoHeads(3, new Adam(1e-2), 0);
        INDArray conv1 = net.getLayer("conv1").getParam("W");
        float subnormal = Float.MIN_VALUE * 300;
        float normal = 1e-20f;
        conv1.get(interval(0, 2), point(0), all(), all()).assign(subnormal);
        conv1.get(interval(2, 4), point(0), all(), all()).assign(normal);
        RecordingScore scores = new RecordingScore(data.get(0));
        new TrainingLoop<>("train", averagingConfig(0.9).loopPlan(BATCHES), new TinyGraphs.FixedBatches(data, 0),
                scores, new Recorder())
                .averagingWeights(ExponentialWeightAverage.startingAt(net, 0.9), MetricsRow::withRawWeights)
                .run(net, TrainerState.start());

        float[] flushedFilters = conv1.get(interval(0, 2), point(0), all(), all()).dup().ravel().toFloatVector();
        float[] untouchedFilters = conv1.get(interval(2, 4), point(0), all(), all()).dup().ravel().toFloatVector();
        for (float v : flushedFilters) {
            assertEquals(0f, v, 0f, "a subnormal weight with no gradient is zero after the run");
        }
        for (float v : untouchedFilters) {
            assertEquals(normal, v, 0f, "a normal weight with no gradient is kept: the zero gradient is real");
        }
        assertEquals(2 * ITERATIONS, scores.params.size());
        for (float[] validated : scores.params) {
            for (float v : validated) {
                assertFalse(v != 0 && Math.abs(v) < Float.MIN_NORMAL, "no subnormal weight is ever validated");
            }
        }
        for (float v : net.getUpdater().getStateViewArray().toFloatVector()) {
            assertFalse(v != 0 && Math.abs(v) < Float.MIN_NORMAL, "nor left in Adam's moments");
        }
    }

    @Test
    void aResumedAveragingRunEndsWithTheSameAverageAsAnUninterruptedOne(@TempDir Path dir) {
        List<MultiDataSet> data = TinyGraphs.batches(BATCHES, 4, 11);
        TrainConfig c = config();
        TrainConfig config = new TrainConfig(c.preset(), c.epochs(), 0, c.maxIterations(), c.batchSize(),
                c.learningRate(), c.schedule(), 0, c.dropout(), c.seed(), CHECKPOINT_EVERY, 1, 0, 0, 1, null, c.jitter(),
                c.preprocess(), null, 0.8, 0);
        ScoreOnBatch validation = new ScoreOnBatch(data.get(0));
        Path straightFile = dir.resolve("straight.checkpoint");
        ComputationGraph straight = TinyGraphs.twoHeads(3, new Adam(1e-2), 0.2);
        loop(config, straightFile, new TinyGraphs.FixedBatches(data, 0), validation)
                .averagingWeights(ExponentialWeightAverage.startingAt(straight, 0.8), MetricsRow::withRawWeights)
                .run(straight, TrainerState.start());

        Path killedFile = dir.resolve("killed.checkpoint");
        ComputationGraph killed = TinyGraphs.twoHeads(3, new Adam(1e-2), 0.2);
        assertThrows(IllegalStateException.class, () -> loop(config, killedFile,
                new TinyGraphs.FixedBatches(data, CHECKPOINT_EVERY + 1), validation)
                .averagingWeights(ExponentialWeightAverage.startingAt(killed, 0.8), MetricsRow::withRawWeights)
                .run(killed, TrainerState.start()));
        Checkpoint.Saved saved = Checkpoint.load(killedFile, config.runIdentity());
        assertTrue(saved.weightAverage() != null, "the checkpoint holds the average");
        loop(config, killedFile, new TinyGraphs.FixedBatches(data, 0), validation)
                .averagingWeights(ExponentialWeightAverage.resumedAt(saved.weightAverage(), saved.network(), 0.8),
                        MetricsRow::withRawWeights)
                .run(saved.network(), saved.state());

        Checkpoint.Saved straightEnd = Checkpoint.load(straightFile, config.runIdentity());
        Checkpoint.Saved resumedEnd = Checkpoint.load(killedFile, config.runIdentity());
        assertArrayEquals(straightEnd.weightAverage().toFloatVector(), resumedEnd.weightAverage().toFloatVector(), 1e-6f);
        assertFalse(straightEnd.weightAverage().equalsWithEps(straightEnd.network().params(), 1e-6),
                "the average is not the raw weights");
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(killedFile, config().runIdentity()),
                "a run without the average cannot resume an averaging run's checkpoint");
    }

    /** The localizer's plan: no epochs to speak of, a cosine over the iteration cap or the budget. */
    private static LocalizerConfig localizerConfig(double minutes, long maxIterations, int validateEvery) {
        return new LocalizerConfig(new LocalizerInput(32, 32), minutes, maxIterations, 4, 1e-2, 3, validateEvery, 0.4, 0.3,
                0.5, 1, LocalizerNetwork.Loss.L2, null);
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
        Checkpoint.save(file, net, TrainerState.start(), config.runIdentity(), null);
        Exception other = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.load(file, "preset=CPU seed=1 batch=4"));
        assertTrue(other.getMessage().contains("preset=CPU"), other.getMessage());
    }
}
