package dev.streetnum.train;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import dev.streetnum.data.ProgressDisplay;
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
 * The minibatch loop: learning-rate schedule, per-iteration dropout seeding, validation, best-model
 * selection, early stopping, time budget, checkpoints and the progress bar. Everything that decides what
 * happens next is a function of {@link TrainerState}, which is why a resumed run matches an uninterrupted one.
 */
final class TrainingLoop {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingLoop.class);
    private static final long MILLIS_PER_MINUTE = 60_000;

    /** How the loop scores the network at a validation point. */
    interface Validation {
        /** Training images, centre crops, the same number as {@link #val}. */
        SequenceScore train(ComputationGraph net);

        SequenceScore val(ComputationGraph net);
    }

    /** What the loop reports at each validation point. */
    interface Events {
        /** A new best model. */
        void best(ComputationGraph net, MetricsRow row);

        /** The history after a validation (write metrics, curves). */
        void validated(List<MetricsRow> history);
    }

    private final TrainConfig config;
    private final SeedSplit seeds;
    private final Path checkpointFile;
    private final TrainingBatches batches;
    private final Validation validation;
    private final Events events;
    private final LayerMonitor monitor;

    /** @param monitor per-layer monitor, attached for the run; null for none */
    TrainingLoop(TrainConfig config, Path checkpointFile, TrainingBatches batches, Validation validation,
                 Events events, LayerMonitor monitor) {
        this.config = config;
        this.seeds = SeedSplit.of(config.seed());
        this.checkpointFile = checkpointFile;
        this.batches = batches;
        this.validation = validation;
        this.events = events;
        this.monitor = monitor;
    }

    /** A text that must match between a checkpoint and the run resuming it. */
    static String runIdentity(TrainConfig config) {
        return "preset=" + config.preset() + " seed=" + config.seed() + " batch=" + config.batchSize();
    }

    /** Trains from {@code state} until the plan, the budget or patience ends the run; returns the final state. */
    TrainerState run(ComputationGraph net, TrainerState state) {
        long planned = config.plannedIterations(batches.batchesPerEpoch());
        if (monitor != null) {
            net.setListeners(monitor);
        }
        long iteration = state.iteration();
        int epoch = state.epoch();
        long batchInEpoch = state.batchInEpoch();
        long trainingMillis = state.trainingMillis();
        MetricsRow best = state.best();
        int sinceBest = state.validationsSinceBest();
        List<MetricsRow> history = new ArrayList<>(state.history());
        long lastValidated = history.isEmpty() ? -1 : history.get(history.size() - 1).iteration();

        double lossSum = 0;
        long lossCount = 0;
        long images = 0;
        long intervalStart = System.nanoTime();
        long intervalMillisBefore = trainingMillis;
        double rate = config.learningRate();
        MultiDataSetIterator data = null;
        long firstIteration = iteration;
        long firstMillis = trainingMillis;
        try (ProgressBar bar = ProgressDisplay.builder("train", planned, " it")
                .startsFrom(iteration, Duration.ZERO).build()) {
            while (!stopping(iteration, planned, trainingMillis, sinceBest)) {
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
                rate = config.schedule().rateAt(config.learningRate(), LearningRateSchedule.progress(iteration,
                        planned, trainingMillis, config.timeBudgetMinutes() * MILLIS_PER_MINUTE));
                setLearningRate(net, rate);
                Nd4j.getRandom().setSeed(seeds.dropoutSeed(iteration));
                if (monitor != null && config.monitorInterval() > 0 && iteration % config.monitorInterval() == 0) {
                    monitor.arm(iteration);
                }
                net.fit(batch);
                iteration++;
                batchInEpoch++;
                images += batch.getFeatures(0).size(0);
                double loss = net.score();
                lossSum += loss;
                lossCount++;
                trainingMillis = intervalMillisBefore + (System.nanoTime() - intervalStart) / 1_000_000;
                bar.stepTo(iteration);
                if (config.timeBudgetMinutes() > 0) {
                    // Under a time budget the run ends on the clock, not after `planned`: project the
                    // iterations the budget allows so the bar's ETA is the real one.
                    double millisPerIteration = (double) (trainingMillis - firstMillis)
                            / (iteration - firstIteration);
                    long left = (long) ((config.timeBudgetMinutes() * MILLIS_PER_MINUTE - trainingMillis)
                            / Math.max(1e-9, millisPerIteration));
                    bar.maxHint(Math.min(planned, iteration + Math.max(0, left)));
                }
                bar.setExtraMessage(String.format(Locale.ROOT, " epoch %d loss %.3f %.1f img/s", epoch, loss,
                        images * 1000.0 / Math.max(1, trainingMillis - intervalMillisBefore)));

                boolean endNext = stopping(iteration, planned, trainingMillis, sinceBest);
                if (iteration % config.validationInterval() == 0 || endNext) {
                    double seconds = Math.max(1e-9, (trainingMillis - intervalMillisBefore) / 1000.0);
                    MetricsRow row = new MetricsRow(iteration, epoch, rate, lossSum / lossCount,
                            validation.train(net), validation.val(net), images / seconds, trainingMillis / 1000.0);
                    history.add(row);
                    lastValidated = iteration;
                    if (row.betterThan(best)) {
                        best = row;
                        sinceBest = 0;
                        events.best(net, row);
                    } else {
                        sinceBest++;
                    }
                    events.validated(history);
                    TrainerState now = new TrainerState(iteration, epoch, batchInEpoch, trainingMillis, best,
                            sinceBest, history);
                    Checkpoint.save(checkpointFile, net, now, runIdentity(config));
                    lossSum = 0;
                    lossCount = 0;
                    images = 0;
                    // Validation and checkpoint time is not training time: restart the interval clock.
                    intervalMillisBefore = trainingMillis;
                    intervalStart = System.nanoTime();
                }
            }
        }
        if (config.patience() > 0 && sinceBest >= config.patience()) {
            LOG.info("early stop at iteration {}: {} validations without a better coverage", iteration, sinceBest);
        }
        if (lastValidated != iteration) {
            LOG.warn("the run ended at iteration {} without a validation there", iteration);
        }
        return new TrainerState(iteration, epoch, batchInEpoch, trainingMillis, best, sinceBest, history);
    }

    private boolean stopping(long iteration, long planned, long trainingMillis, int sinceBest) {
        return iteration >= planned
                || (config.timeBudgetMinutes() > 0 && trainingMillis >= config.timeBudgetMinutes() * MILLIS_PER_MINUTE)
                || (config.patience() > 0 && sinceBest >= config.patience());
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
