package dev.streetnum.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.AtomicFile;
import dev.streetnum.data.CropExpander;
import dev.streetnum.data.DataException;
import dev.streetnum.data.PreprocessConfig;
import dev.streetnum.data.StreetNumberIterator;
import dev.streetnum.data.StreetnumVersion;
import dev.streetnum.model.BundleMetadata;
import dev.streetnum.model.Deepening;
import dev.streetnum.model.Ensemble;
import dev.streetnum.model.TargetAccuracy;
import dev.streetnum.model.Thresholds;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.Preset;
import dev.streetnum.model.StreetNumberNetwork;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A trainer trains a data set into a model: {@link #train} runs {@link TrainingLoop} over random 54x54
 * crops, selects on validation coverage at 98% (centre crops; of the weights' running average when the config
 * keeps one), and leaves in the run folder
 * {@code best.bundle}, {@code last.checkpoint}, {@code metrics.csv}, {@code curves.png},
 * {@code monitor.csv} with {@code monitor/*.png}, and {@code run.json}.
 */
public final class Trainer {

    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    public static final String BEST_BUNDLE = "best.bundle";
    public static final String RUN_JSON = "run.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final TrainConfig config;
    private final Path runDir;
    private final String commandLine;
    private BooleanSupplier stopRequested = () -> false;

    /** @param commandLine how the run was started, for provenance ("" from code) */
    public Trainer(TrainConfig config, Path runDir, String commandLine) {
        this.config = config;
        this.runDir = runDir;
        this.commandLine = commandLine;
    }

    /**
     * Asks {@code requested} after every iteration whether to stop the run there (a signal's handler
     * sets it); see {@link #train}.
     */
    public Trainer stoppingWhen(BooleanSupplier requested) {
        this.stopRequested = requested;
        return this;
    }

    /**
     * Trains, or with {@code resume} continues from {@code last.checkpoint}, and returns the best model.
     *
     * @throws TrainingStopped when {@link #stoppingWhen}'s question stopped the run: its last iteration is
     *                         in {@code last.checkpoint}, for {@code resume}
     */
    public ModelBundle train(TrainingData data, boolean resume) {
        long wallStart = System.nanoTime();
        Backend backend = Backend.current();
        LOG.info(backend.logLine());
        // Refused before the run folder is made: a refusal leaves nothing behind.
        Consistency consistency = config.consistency();
        AnnotatedDataset unlabelled = consistency == null ? null : ConsistencyRows.photos(consistency, data.heldOut());
        createRunDir();
        SeedSplit seeds = SeedSplit.of(config.seed());
        CropExpander expander = new CropExpander(config.preprocess());
        Path checkpoint = runDir.resolve(Checkpoint.FILE_NAME);
        String identity = config.runIdentity();

        ComputationGraph net;
        TrainerState<MetricsRow> state;
        ExponentialWeightAverage average = null;
        if (resume) {
            Checkpoint.Saved saved = Checkpoint.load(checkpoint, identity);
            net = saved.network();
            state = saved.state();
            if (config.averagesWeights()) {
                if (saved.weightAverage() == null) {
                    throw new DataException("cannot resume " + checkpoint + " with a weight average: it holds none");
                }
                average = ExponentialWeightAverage.resumedAt(saved.weightAverage(), net, config.weightAverageDecay());
            }
            LOG.info("resuming from {} at iteration {}, epoch {}", checkpoint, state.iteration(), state.epoch());
        } else {
            net = StreetNumberNetwork.build(config.preset(), config.networkOptions());
            if (config.initFrom() != null) {
                startFrom(net, config.initFrom());
            }
            state = TrainerState.start();
            if (config.averagesWeights()) {
                average = ExponentialWeightAverage.startingAt(net, config.weightAverageDecay());
            }
        }
        LayerMonitor monitor = config.monitorInterval() > 0 ? new LayerMonitor(runDir, true) : null;
        if (monitor != null) {
            monitor.truncateFrom(state.iteration());
        }
        Map<String, Object> provenance = provenance(data, unlabelled, backend);
        int sample = Math.min(config.validationSample(), Math.min(data.train().size(), data.val().size()));
        try (StreetNumberIterator training = new StreetNumberIterator(data.train(), expander,
                new StreetNumberIterator.Options(config.batchSize(), true, true, seeds.data(), config.workers(),
                        config.cache(), config.jitter()));
             StreetNumberIterator trainSample = new StreetNumberIterator(data.train(), expander, centreCrops(seeds));
             StreetNumberIterator valSample = new StreetNumberIterator(data.val(), expander, centreCrops(seeds));
             ConsistencyRows consistencyRows = consistency == null ? null : new ConsistencyRows(consistency,
                     unlabelled, expander, seeds.consistency(), config.workers())) {
            TrainingBatches batches = new TrainingBatches() {
                @Override
                public MultiDataSetIterator epoch(int epoch) {
                    training.setEpoch(epoch);
                    return training;
                }

                @Override
                public long batchesPerEpoch() {
                    return training.batchesPerEpoch();
                }

                @Override
                public long images() {
                    return training.size();
                }
            };
            // Training images scored with centre crops, as validation is, the same number of each.
            TrainingLoop.Validation<MetricsRow> validation = (n, since) -> new MetricsRow(since.iteration(),
                    since.epoch(), since.learningRate(), since.meanLoss(), SequenceScore.measure(n, trainSample, sample),
                    SequenceScore.measure(n, valSample, sample), since.imagesPerSecond(), since.elapsedSeconds());
            TrainingLoop.Events<MetricsRow> events = new TrainingLoop.Events<>() {
                @Override
                public void best(ComputationGraph n, MetricsRow row) {
                    bundle(n, row, provenance).save(runDir.resolve(BEST_BUNDLE));
                }

                @Override
                public void validated(List<MetricsRow> history, MetricsRow best) {
                    MetricsLog.write(runDir, history);
                    LOG.info(validationLine(history.get(history.size() - 1),
                            consistencyRows == null ? null : consistencyRows.acceptedShareSinceAsked()));
                }
            };
            TrainingLoop<MetricsRow> loop = new TrainingLoop<>("train", config.loopPlan(batches.batchesPerEpoch()),
                    batches, validation, events)
                    .checkpointingTo(checkpoint, identity).monitoredBy(monitor, config.monitorInterval())
                    .averagingWeights(average, MetricsRow::withRawWeights).steppingBy(config.sharpnessAwareStep())
                    .stoppingWhen(stopRequested).addingRows(consistencyRows);
            state = loop.run(net, state);
            if (loop.stoppedOnRequest()) {
                throw new TrainingStopped(state.iteration(), ", saved in " + checkpoint
                        + ": run the same command with --resume to go on from there");
            }
        }
        MetricsRow last = state.history().get(state.history().size() - 1);
        String diagnosis = diagnosisLine(last);
        LOG.info("{} (best at iteration {})", diagnosis, state.best().iteration());
        writeRunJson(provenance, state, diagnosis, (System.nanoTime() - wallStart) / 1e9, net);
        return ModelBundle.load(runDir.resolve(BEST_BUNDLE));
    }

    /**
     * Fine-tuning: the bundle's weights (and batch-norm statistics) replace the random ones; the updater
     * starts fresh. The preprocessing must match, or the weights would mean something else; the preset
     * must match or deepen the bundle's ({@link Deepening}: the same function with more layers).
     */
    private void startFrom(ComputationGraph net, Path bundleFile) {
        ModelBundle start = ModelBundle.load(bundleFile);
        BundleMetadata m = start.metadata();
        if (!start.partners().isEmpty()) {
            // One network trains; the joined bundle's id and thresholds describe several.
            throw new IllegalArgumentException("--init-from " + bundleFile + " reads with " + start.members().size()
                    + " networks (an ensemble): start from one of the bundles it was joined from ("
                    + Ensemble.memberIds(start) + ")");
        }
        Preset startPreset = m.presetValue();
        Deepening deepening = null;
        if (startPreset != config.preset()) {
            try {
                deepening = Deepening.of(startPreset, config.preset());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--init-from " + bundleFile + " holds a " + startPreset
                        + " network and this run trains " + config.preset() + ": use the same --preset or one"
                        + " that deepens it (" + e.getMessage() + ")");
            }
        }
        if (m.preprocess().resize() != config.preprocess().resize() || m.preprocess().crop() != config.preprocess().crop()) {
            throw new IllegalArgumentException("--init-from " + bundleFile + " was trained on " + m.preprocess().crop()
                    + "-pixel crops of " + m.preprocess().resize() + "-pixel regions; this run uses "
                    + config.preprocess().crop() + " of " + config.preprocess().resize());
        }
        if (m.preprocess().expansion() != config.preprocess().expansion()) {
            LOG.warn("--init-from {} was trained with crop expansion {}; this run adapts it to {}", bundleFile,
                    m.preprocess().expansion(), config.preprocess().expansion());
        }
        if (deepening == null) {
            net.setParams(start.network().params());
            LOG.info("starting from the weights of {} (model {})", bundleFile, m.modelId());
        } else {
            deepening.copy(start.network(), net);
            LOG.info("starting from the weights of {} (model {}), deepened from {} to {}: the same function,"
                    + " the inserted convolutions identities", bundleFile, m.modelId(), startPreset, config.preset());
        }
    }

    private StreetNumberIterator.Options centreCrops(SeedSplit seeds) {
        return new StreetNumberIterator.Options(config.batchSize(), false, false, seeds.data(), config.workers(), null);
    }

    /**
     * The log's line for a validation: loss, coverage, with {@code --consistency} the share of the photos without
     * labels that taught since the last one (null without it; NaN when none was read), then the diagnosis, whose
     * sentence ends the line.
     */
    static String validationLine(MetricsRow last, Double consistencyShare) {
        String raw = last.rawVal() == null ? "" : String.format(Locale.ROOT,
                " (raw weights: coverage %.3f, accuracy %.3f)", last.rawVal().coverage(), last.rawVal().accuracy());
        String taught = consistencyShare == null || consistencyShare.isNaN() ? "" : String.format(Locale.ROOT,
                ", %.0f%% of the photos without labels read surely enough to teach", 100 * consistencyShare);
        return String.format(Locale.ROOT, "iteration %d: loss %.4f, val coverage at 98%% %.3f%s%s; %s",
                last.iteration(), last.trainLoss(), last.val().coverage(), raw, taught, diagnosisLine(last));
    }

    private static String diagnosisLine(MetricsRow row) {
        return row.diagnosis().sentence();
    }

    private ModelBundle bundle(ComputationGraph net, MetricsRow row, Map<String, Object> provenance) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("iteration", (double) row.iteration());
        metrics.put("train_loss", row.trainLoss());
        metrics.put("train_sequence_accuracy", row.train().accuracy());
        metrics.put("val_sequence_accuracy", row.val().accuracy());
        metrics.put("val_coverage_at_98", row.val().coverage());
        if (row.val().riskCoverageArea() != null) {
            metrics.put("val_risk_coverage_area", row.val().riskCoverageArea());
        }
        String modelId = config.preset().name().toLowerCase(Locale.ROOT) + "-s" + config.seed() + "-i" + row.iteration();
        BundleMetadata metadata = BundleMetadata.create(modelId, config.preset(), config.preprocess(), provenance)
                .withMetrics(metrics);
        if (Double.isFinite(row.val().threshold())) {
            // A first estimate from the validation sample; the evaluator calibrates the shipped threshold.
            metadata = metadata.withThresholds(Thresholds.NONE.with(TargetAccuracy.PAPER, row.val().threshold()));
        }
        return new ModelBundle(net, metadata);
    }

    /** @param unlabelled consistency training's photos; null without it */
    private Map<String, Object> provenance(TrainingData data, AnnotatedDataset unlabelled, Backend backend) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("train_data", data.train().identity());
        p.put("train_images", data.train().size());
        if (unlabelled != null) {
            p.put("consistency_data", unlabelled.identity());
            p.put("consistency_images", unlabelled.size());
        }
        p.put("val_data", data.val().identity());
        p.put("val_images", data.val().size());
        p.put("seed", config.seed());
        p.put("config", config.toString());
        p.put("command_line", commandLine);
        p.put("git_commit", gitCommit());
        p.put("backend", backend.name());
        p.put("device", backend.device());
        p.put("created", Instant.now().toString());
        return p;
    }

    /** @param net the trained network, asked which layers really run on the oneDNN helpers */
    private void writeRunJson(Map<String, Object> provenance, TrainerState<MetricsRow> state, String diagnosis, double wallSeconds,
                              ComputationGraph net) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("command_line", commandLine);
        run.put("preset", config.preset().name());
        run.put("seed", config.seed());
        run.put("config", config);
        run.put("data", Map.of("train", provenance.get("train_data"), "train_images", provenance.get("train_images"),
                "val", provenance.get("val_data"), "val_images", provenance.get("val_images")));
        run.put("software", Map.of("streetnum", StreetnumVersion.VERSION, "java", System.getProperty("java.version"),
                "dl4j", mavenVersion(ComputationGraph.class, "org.deeplearning4j", "deeplearning4j-nn"),
                "nd4j", mavenVersion(org.nd4j.linalg.factory.Nd4j.class, "org.nd4j", "nd4j-api")));
        run.put("git_commit", provenance.get("git_commit"));
        run.put("backend", provenance.get("backend"));
        run.put("device", provenance.get("device"));
        run.put("onednn_layer_helpers", new java.util.TreeMap<>(Map.of("requested", dev.streetnum.model.fast.CpuAcceleration.isRequested(),
                "layers", dev.streetnum.model.fast.CpuAcceleration.layersWithHelpers(net))));
        run.put("wall_seconds", wallSeconds);
        run.put("training_seconds", state.trainingMillis() / 1000.0);
        run.put("iterations", state.iteration());
        run.put("epochs_started", state.epoch() + 1);
        run.put("best", state.best());
        run.put("final", state.history().get(state.history().size() - 1));
        run.put("diagnosis", diagnosis);
        try {
            AtomicFile.write(runDir.resolve(RUN_JSON), tmp -> JSON.writeValue(tmp.toFile(), run));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + runDir.resolve(RUN_JSON), e);
        }
    }

    /** The commit of the working directory's checkout, or "unknown" (no git, not a checkout, a copied jar). */
    static String gitCommit() {
        try {
            Process git = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim();
            if (!git.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) || git.exitValue() != 0
                    || !out.matches("[0-9a-f]{40}")) {
                return "unknown";
            }
            return out;
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /** A library's version from the pom.properties Maven puts in its jar (its manifest names none). */
    private static String mavenVersion(Class<?> type, String group, String artifact) {
        String resource = "/META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        try (java.io.InputStream in = type.getResourceAsStream(resource)) {
            if (in == null) {
                return "unknown";
            }
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private void createRunDir() {
        try {
            Files.createDirectories(runDir);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create the run folder " + runDir, e);
        }
    }
}
