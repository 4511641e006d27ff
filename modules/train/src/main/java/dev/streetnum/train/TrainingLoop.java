package dev.streetnum.train;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BinaryOperator;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import dev.streetnum.data.ProgressDisplay;
import dev.streetnum.model.SubnormalWeights;
import me.tongfei.progressbar.ProgressBar;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one minibatch loop, the transcriber's and the localizer's: learning-rate schedule, per-iteration dropout
 * seeding, validation, best-model selection, early stopping, time budget, progress bar and, where asked,
 * checkpoints, the per-layer monitor, a running average of the weights, sharpness-aware steps and rows added
 * to each minibatch (consistency training's). Everything that decides what happens next is a function of
 * {@link TrainerState}, which is why a resumed run matches an uninterrupted one.
 *
 * @param <R> what a validation point records and the best model is selected by
 */
final class TrainingLoop<R extends ValidationPoint<R>> {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingLoop.class);
    private static final long MILLIS_PER_MINUTE = 60_000;
    /** A plan without an iteration limit: only the time budget ends the run. */
    static final long UNLIMITED = Long.MAX_VALUE;

    /**
     * When a run ends and how its learning rate moves; {@link TrainConfig} and {@link LocalizerConfig} each make one.
     *
     * @param plannedIterations  the schedule's horizon and the last iteration; {@link #UNLIMITED} with a budget
     * @param budgetMinutes      training time after which the run ends (the schedule reaches its end there too); 0 for none
     * @param schedule           how the rate moves from {@code learningRate} over the run
     * @param learningRate       the base rate
     * @param validationInterval iterations between validations (and checkpoints); the last iteration validates too
     * @param patience           validations without a better one before stopping; 0 never stops early
     * @param seed               the run's seed; its {@link SeedSplit} dropout stream seeds every iteration
     */
    record Plan(long plannedIterations, double budgetMinutes, LearningRateSchedule schedule, double learningRate,
                int validationInterval, int patience, long seed) {

        Plan {
            if (plannedIterations < 1) {
                throw new IllegalArgumentException("a run must plan at least one iteration, got " + plannedIterations);
            }
            if (!(budgetMinutes >= 0 && Double.isFinite(budgetMinutes))) {
                throw new IllegalArgumentException("the time budget must be 0 (none) or a positive number of minutes, got "
                        + budgetMinutes);
            }
            if (plannedIterations == UNLIMITED && budgetMinutes == 0) {
                throw new IllegalArgumentException("a run without an iteration limit needs a time budget");
            }
            if (validationInterval < 1 || patience < 0 || schedule == null) {
                throw new IllegalArgumentException("a run validates at least every iteration (got " + validationInterval
                        + "), with a patience of 0 or more (got " + patience + ") and a schedule (got " + schedule + ")");
            }
        }

        double budgetMillis() {
            return budgetMinutes * MILLIS_PER_MINUTE;
        }
    }

    /** What was trained since the previous validation point, handed to {@link Validation#score}. */
    record Interval(long iteration, int epoch, double learningRate, double meanLoss, double imagesPerSecond,
                    double elapsedSeconds) {
    }

    /** Rows a run adds to each training minibatch, drawn with the network as it stands ({@link ConsistencyRows}). */
    interface BatchRows {
        /** {@code batch} with the rows for iteration {@code iteration} below its own. */
        MultiDataSet appendTo(MultiDataSet batch, ComputationGraph net, long iteration);
    }

    /** How the loop scores the network at a validation point. */
    interface Validation<R> {
        R score(ComputationGraph net, Interval since);
    }

    /** What the loop reports at each validation point. */
    interface Events<R> {
        /** A new best model: the caller keeps it (the network goes on training after this returns). */
        void best(ComputationGraph net, R point);

        /** The history after a validation, and the best so far (write metrics, curves, a log line). */
        void validated(List<R> history, R best);
    }

    private final String task;
    private final Plan plan;
    private final SeedSplit seeds;
    private final TrainingBatches batches;
    private final Validation<R> validation;
    private final Events<R> events;
    private Path checkpointFile;
    private String runIdentity;
    private LayerMonitor monitor;
    private int monitorInterval;
    private ExponentialWeightAverage average;
    private BinaryOperator<R> withRawScore;
    private SharpnessAwareStep sharpnessAware;
    private BatchRows extraRows;
    private BooleanSupplier stopRequested = () -> false;
    private boolean stoppedOnRequest;

    /** @param task the progress bar's name */
    TrainingLoop(String task, Plan plan, TrainingBatches batches, Validation<R> validation, Events<R> events) {
        this.task = task;
        this.plan = plan;
        this.seeds = SeedSplit.of(plan.seed());
        this.batches = batches;
        this.validation = validation;
        this.events = events;
    }

    /**
     * Saves a {@link Checkpoint} after each validation. Without one a run cannot resume, and then its batches
     * need not replay (the localizer's draw on from one generator).
     *
     * @param runIdentity what a resume must match, as text
     */
    TrainingLoop<R> checkpointingTo(Path file, String runIdentity) {
        this.checkpointFile = file;
        this.runIdentity = runIdentity;
        return this;
    }

    /** Attaches {@code monitor} (null for none) for the run and arms it every {@code interval} iterations (0: never). */
    TrainingLoop<R> monitoredBy(LayerMonitor monitor, int interval) {
        this.monitor = monitor;
        this.monitorInterval = interval;
        return this;
    }

    /**
     * Keeps {@code average} of the weights, updated after every iteration. Each validation point is then
     * the averaged weights' ({@code withRawScore.apply(averaged, raw)} adds the raw weights' score beside
     * it), and a new best hands the averaged weights to {@link Events#best}.
     */
    TrainingLoop<R> averagingWeights(ExponentialWeightAverage average, BinaryOperator<R> withRawScore) {
        this.average = average;
        this.withRawScore = withRawScore;
        return this;
    }

    /**
     * Asks {@code requested} after every iteration whether to stop there. When it says so, the loop saves
     * a {@link Checkpoint} of that iteration (validated or not: a resume replays the same run from it)
     * and returns; {@link #stoppedOnRequest} then says so. A stopped run loses no step.
     */
    TrainingLoop<R> stoppingWhen(BooleanSupplier requested) {
        this.stopRequested = requested;
        return this;
    }

    /** Whether the last {@link #run} ended because {@link #stoppingWhen}'s question said so, not by its plan. */
    boolean stoppedOnRequest() {
        return stoppedOnRequest;
    }

    /** Takes every step as {@code step} does (sharpness-aware minimisation); null for the plain step. */
    TrainingLoop<R> steppingBy(SharpnessAwareStep step) {
        this.sharpnessAware = step;
        return this;
    }

    /** Adds {@code rows} to every training minibatch before its step; null for none. */
    TrainingLoop<R> addingRows(BatchRows rows) {
        this.extraRows = rows;
        return this;
    }

    /** Trains from {@code state} until the plan, the budget or patience ends the run; returns the final state. */
    TrainerState<R> run(ComputationGraph net, TrainerState<R> state) {
        long planned = plan.plannedIterations();
        if (monitor != null) {
            net.setListeners(monitor);
        }
        long iteration = state.iteration();
        int epoch = state.epoch();
        long batchInEpoch = state.batchInEpoch();
        long trainingMillis = state.trainingMillis();
        R best = state.best();
        int sinceBest = state.validationsSinceBest();
        List<R> history = new ArrayList<>(state.history());
        long lastValidated = history.isEmpty() ? -1 : history.get(history.size() - 1).iteration();

        double lossSum = 0;
        long lossCount = 0;
        long images = 0;
        long intervalStart = System.nanoTime();
        long intervalMillisBefore = trainingMillis;
        double rate = plan.learningRate();
        MultiDataSetIterator data = null;
        long firstIteration = iteration;
        long firstMillis = trainingMillis;
        stoppedOnRequest = false;
        // Without an iteration limit the bar starts with no length; the budget's projection below gives it one.
        try (ProgressBar bar = ProgressDisplay.builder(task, planned == UNLIMITED ? -1 : planned, " it")
                .startsFrom(iteration, Duration.ZERO).build()) {
            while (!stoppedOnRequest && !stopping(iteration, trainingMillis, sinceBest)) {
                if (data == null) {
                    data = openAt(epoch, batchInEpoch);
                }
                if (!data.hasNext()) {
                    // An epoch ends here whether it ran in this process or was finished before a resume.
                    epoch++;
                    batchInEpoch = 0;
                    net.incrementEpochCount();
                    data = batches.epoch(epoch);
                    if (!data.hasNext()) {
                        throw new IllegalStateException("epoch " + epoch + " of the training data has no minibatches");
                    }
                }
                MultiDataSet batch = data.next();
                if (extraRows != null) {
                    // Before the dropout seed is set: reading the weak views draws no dropout, and the step's masks stay the iteration's.
                    batch = extraRows.appendTo(batch, net, iteration);
                }
                rate = plan.schedule().rateAt(plan.learningRate(), LearningRateSchedule.progress(iteration,
                        planned, trainingMillis, plan.budgetMillis()));
                setLearningRate(net, rate);
                if (monitor != null && monitorInterval > 0 && iteration % monitorInterval == 0) {
                    monitor.arm(iteration);
                }
                if (sharpnessAware == null) {
                    Nd4j.getRandom().setSeed(seeds.dropoutSeed(iteration));
                    net.fit(batch);
                } else {
                    sharpnessAware.fit(net, batch, seeds.dropoutSeed(iteration));
                }
                // Left alone, weights that get no gradient shrink under L2 into subnormals, which slow every
                // later pass on Intel cores tenfold (SubnormalWeights).
                SubnormalWeights.flushToZero(net);
                iteration++;
                if (average != null) {
                    average.update(net, iteration);
                }
                batchInEpoch++;
                images += batch.getFeatures(0).size(0);
                double loss = net.score();
                lossSum += loss;
                lossCount++;
                trainingMillis = intervalMillisBefore + (System.nanoTime() - intervalStart) / 1_000_000;
                bar.stepTo(iteration);
                if (plan.budgetMinutes() > 0) {
                    // Under a time budget the run ends on the clock, not after `planned`: the bar's ETA is the real one.
                    bar.maxHint(projectedEnd(iteration - firstIteration, trainingMillis - firstMillis, iteration,
                            trainingMillis, plan.budgetMillis(), planned));
                }
                bar.setExtraMessage(String.format(Locale.ROOT, " epoch %d loss %.3f %.1f img/s", epoch, loss,
                        images * 1000.0 / Math.max(1, trainingMillis - intervalMillisBefore)));

                boolean endNext = stopping(iteration, trainingMillis, sinceBest);
                if (iteration % plan.validationInterval() == 0 || endNext) {
                    double seconds = Math.max(1e-9, (trainingMillis - intervalMillisBefore) / 1000.0);
                    Interval since = new Interval(iteration, epoch, rate, lossSum / lossCount, images / seconds,
                            trainingMillis / 1000.0);
                    // With an average, the raw weights are scored first and the average is the point.
                    R raw = average == null ? null : validation.score(net, since);
                    R previous = best;
                    Supplier<R> scoreKeepingBest = () -> {
                        R scored = validation.score(net, since);
                        R p = raw == null ? scored : withRawScore.apply(scored, raw);
                        if (p.betterThan(previous)) {
                            events.best(net, p);
                        }
                        return p;
                    };
                    R point = average == null ? scoreKeepingBest.get() : average.withAverageIn(net, scoreKeepingBest);
                    boolean better = point.betterThan(previous);
                    history.add(point);
                    lastValidated = iteration;
                    if (better) {
                        best = point;
                        sinceBest = 0;
                    } else {
                        sinceBest++;
                    }
                    events.validated(history, best);
                    if (checkpointFile != null) {
                        TrainerState<R> now = new TrainerState<>(iteration, epoch, batchInEpoch, trainingMillis, best,
                                sinceBest, history);
                        Checkpoint.save(checkpointFile, net, now, runIdentity, average);
                    }
                    lossSum = 0;
                    lossCount = 0;
                    images = 0;
                    // Validation and checkpoint time is not training time: restart the interval clock.
                    intervalMillisBefore = trainingMillis;
                    intervalStart = System.nanoTime();
                }
                if (!endNext && stopRequested.getAsBoolean()) {
                    stoppedOnRequest = true;
                    if (checkpointFile != null && lastValidated != iteration) {
                        Checkpoint.save(checkpointFile, net, new TrainerState<>(iteration, epoch, batchInEpoch,
                                trainingMillis, best, sinceBest, history), runIdentity, average);
                    }
                    LOG.info("stopped on request at iteration {}{}", iteration,
                            checkpointFile == null ? "" : ", checkpoint saved: " + checkpointFile);
                }
            }
        }
        if (plan.patience() > 0 && sinceBest >= plan.patience()) {
            LOG.info("early stop at iteration {}: {} validations without a better score", iteration, sinceBest);
        }
        if (lastValidated != iteration && !stoppedOnRequest) {
            LOG.warn("the run ended at iteration {} without a validation there", iteration);
        }
        return new TrainerState<>(iteration, epoch, batchInEpoch, trainingMillis, best, sinceBest, history);
    }

    /**
     * The iteration a budgeted run will end at, at the pace of this process's iterations so far: {@code done}
     * iterations took {@code doneMillis}; the budget's remaining time at that pace, capped by the plan.
     */
    static long projectedEnd(long done, long doneMillis, long iteration, long trainingMillis, double budgetMillis,
                             long planned) {
        double millisPerIteration = Math.max(1e-9, (double) doneMillis / done);
        double left = Math.max(0, (budgetMillis - trainingMillis) / millisPerIteration);
        // In doubles, so an unlimited plan or a near-zero pace cannot overflow.
        return (long) Math.min((double) planned, iteration + left);
    }

    private boolean stopping(long iteration, long trainingMillis, int sinceBest) {
        return iteration >= plan.plannedIterations()
                || (plan.budgetMinutes() > 0 && trainingMillis >= plan.budgetMillis())
                || (plan.patience() > 0 && sinceBest >= plan.patience());
    }

    /** Epoch {@code epoch}'s iterator, moved past the minibatches already trained (resume). */
    private MultiDataSetIterator openAt(int epoch, long skip) {
        MultiDataSetIterator it = batches.epoch(epoch);
        for (long i = 0; i < skip && it.hasNext(); i++) {
            it.next();
        }
        return it;
    }

    /**
     * Sets every layer's learning rate in place. The updater blocks hold these same configuration objects,
     * so the change takes effect without DL4J's setLearningRate, which rebuilds the updater (and copies
     * its state) on every call.
     */
    static void setLearningRate(ComputationGraph net, double rate) {
        for (Layer layer : net.getLayers()) {
            if (layer.conf().getLayer() instanceof BaseLayer base) {
                setRate(base.getIUpdater(), rate);
                setRate(base.getBiasUpdater(), rate);
            }
        }
    }

    private static void setRate(IUpdater updater, double rate) {
        if (updater != null && updater.hasLearningRate()) {
            updater.setLrAndSchedule(rate, null);
        }
    }
}
