package dev.streetnum.train;

import dev.streetnum.data.StopSignals;
import dev.streetnum.model.Preset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code streetnum train}: the options build a {@link TrainConfig}; the {@link Trainer} does the rest. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Trains a network on DIR/train (plus any --extra-train folders), selecting on DIR/val.")
public final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Folder with train/ and val/, each holding labels.csv.")
    Path data;

    @Option(names = "--extra-train", paramLabel = "DIR", description = "More training data (a folder with labels.csv), mixed in; repeatable.")
    List<Path> extraTrain = new ArrayList<>();

    @Option(names = "--out", required = true, paramLabel = "RUN_DIR", description = "Run folder: best.bundle, last.checkpoint, metrics, monitor, run.json.")
    Path out;

    @Option(names = "--resume", description = "Continue from RUN_DIR/last.checkpoint with the same options.")
    boolean resume;

    @Option(names = "--train-repeat", paramLabel = "K", description = "Each epoch shows every DIR/train image K times"
            + " (oversamples a small real set next to large --extra-train sets; default: ${DEFAULT-VALUE}).")
    int trainRepeat = 1;

    @Option(names = "--val", paramLabel = "DIR", description = "Validation folder (labels.csv) for model selection,"
            + " instead of DIR/val: e.g. real photos while training on generated ones.")
    Path val;

    @Option(names = "--init-from", paramLabel = "BUNDLE", description = "Start from this bundle's weights (same"
            + " preprocessing; the same preset, or one that deepens it: a cpu bundle with --preset cpu_deep): fine-tuning.")
    Path initFrom;

    // A plain flag: picocli's negatable form of a true-by-default option did not turn it off.
    @Option(names = "--no-jitter", description = "Plain random 54x54 crops only: no box, rotation and colour jitter"
            + " (training jitters by default: DESIGN section 3).")
    boolean noJitter;

    @Option(names = "--cutout", paramLabel = "F", description = "Fill a random square F times the expanded crop's"
            + " side with the crop's mean in every training image (Cutout), 0 for none (default: ${DEFAULT-VALUE});"
            + " it applies with --no-jitter too.")
    double cutout = 0;

    @Option(names = "--low-resolution", paramLabel = "Q", description = "Shrink every training crop to a side drawn"
            + " from [(1 - Q), 1] times its own (area averaging) and enlarge it back (bilinear), so sharp numbers are"
            + " also seen as blurred as small ones, 0 for none (default: ${DEFAULT-VALUE}); it applies with --no-jitter too.")
    double lowResolution = 0;

    @Option(names = "--partial-number", paramLabel = "P", description = "Cut a number of two or more digits,"
            + " annotated digit by digit, around part of it with probability P (the digits at one end left out, the"
            + " label kept whole), so a number running off the crop reads unsure; 0 for none (default:"
            + " ${DEFAULT-VALUE}); it applies with --no-jitter too.")
    double partialNumber = 0;

    @Option(names = "--expansion", paramLabel = "F", description = "Crop expansion around the box, 0.30 = 30%%"
            + " (default: ${DEFAULT-VALUE}); the bundle carries it to evaluation and serving.")
    double expansion = dev.streetnum.data.PreprocessConfig.DEFAULT.expansion();

    @Option(names = "--extra-train-repeat", paramLabel = "K", description = "Each epoch shows every --extra-train image K times"
            + " (oversamples a small real set next to a large synthetic one; default: ${DEFAULT-VALUE}).")
    int extraTrainRepeat = 1;

    @Option(names = "--preset", paramLabel = "P", converter = PresetName.class, description = "Network size: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Preset preset = TrainConfig.DEFAULT_PRESET;

    @Option(names = "--epochs", paramLabel = "N",
            description = "Passes over the training data (default: ${DEFAULT-VALUE}).")
    int epochs = TrainConfig.DEFAULT_EPOCHS;

    @Option(names = "--minutes", paramLabel = "MINUTES",
            description = "Training time budget in minutes, 0 for none; the learning-rate schedule then runs"
            + " over whichever ends first, the budget or the epochs (default: ${DEFAULT-VALUE}).")
    double minutes = TrainConfig.DEFAULT_TIME_BUDGET_MINUTES;

    @Option(names = "--max-iterations", paramLabel = "N",
            description = "Stop after this many minibatches, 0 for none (default: ${DEFAULT-VALUE}).")
    int maxIterations = TrainConfig.DEFAULT_MAX_ITERATIONS;

    @Option(names = {"--batch-size", "--batch"}, paramLabel = "N",
            description = "Minibatch size (default: ${DEFAULT-VALUE}).")
    int batch = TrainConfig.DEFAULT_BATCH_SIZE;

    @Option(names = "--lr", paramLabel = "RATE", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate = TrainConfig.DEFAULT_LEARNING_RATE;

    @Option(names = "--schedule", paramLabel = "SCHEDULE",
            description = "Learning-rate schedule: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    LearningRateSchedule schedule = TrainConfig.DEFAULT_SCHEDULE;

    @Option(names = "--weight-decay", paramLabel = "DECAY",
            description = "L2 weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay = TrainConfig.DEFAULT_WEIGHT_DECAY;

    @Option(names = "--dropout", paramLabel = "P",
            description = "Dense-layer drop probability (default: ${DEFAULT-VALUE}).")
    double dropout = TrainConfig.DEFAULT_DROPOUT;

    @Option(names = "--weight-average-decay", paramLabel = "D", description = "Validate and keep an exponential moving"
            + " average of the weights with this decay, e.g. 0.999 (about the last 1,000 minibatches); 0 for none"
            + " (default: ${DEFAULT-VALUE}).")
    double weightAverageDecay = TrainConfig.DEFAULT_WEIGHT_AVERAGE_DECAY;

    @Option(names = "--sam-rho", paramLabel = "RHO", description = "Sharpness-aware minimisation: take each step"
            + " from the loss gradient at the weights moved RHO (L2) uphill, e.g. 0.05; twice the work per step;"
            + " 0 for plain steps (default: ${DEFAULT-VALUE}).")
    double sharpnessRadius = TrainConfig.DEFAULT_SHARPNESS_RADIUS;

    @Option(names = "--consistency", paramLabel = "DIR", description = "Consistency training (FixMatch) on photos"
            + " without labels: a folder with labels.csv naming each photo and its box (the labels are not used;"
            + " pseudo-label's output serves). Each step the network reads a batch of them in a weak view; readings"
            + " accepted at --consistency-threshold become the labels of strong views trained beside the labelled rows.")
    Path consistency;

    @Option(names = "--consistency-threshold", paramLabel = "T", description = "P(S|x) a weak view's reading must"
            + " reach to teach its strong view (default: ${DEFAULT-VALUE}).")
    double consistencyThreshold = Consistency.DEFAULT_THRESHOLD;

    @Option(names = "--consistency-batch", paramLabel = "N", description = "Photos without labels per minibatch"
            + " (default: the --batch-size).")
    Integer consistencyBatch;

    @Option(names = "--seed", paramLabel = "SEED", description = "The run's seed (default: ${DEFAULT-VALUE}).")
    long seed = TrainConfig.DEFAULT_SEED;

    @Option(names = "--validate-every", paramLabel = "N",
            description = "Iterations between validations and checkpoints (default: ${DEFAULT-VALUE}).")
    int validationInterval = TrainConfig.DEFAULT_VALIDATION_INTERVAL;

    @Option(names = "--validation-sample", paramLabel = "N",
            description = "Images of train and of val scored per validation (default: ${DEFAULT-VALUE}).")
    int validationSample = TrainConfig.DEFAULT_VALIDATION_SAMPLE;

    @Option(names = "--patience", paramLabel = "N",
            description = "Validations without improvement before stopping, 0 never (default: ${DEFAULT-VALUE}).")
    int patience = TrainConfig.DEFAULT_PATIENCE;

    @Option(names = "--monitor-every", paramLabel = "N",
            description = "Iterations between per-layer monitor snapshots, 0 off (default: ${DEFAULT-VALUE}).")
    int monitorInterval = TrainConfig.DEFAULT_MONITOR_INTERVAL;

    @Option(names = "--workers", paramLabel = "N", description = "Image decoding threads (default: ${DEFAULT-VALUE}).")
    int workers = TrainConfig.DEFAULT_WORKERS;

    @Option(names = "--cache", paramLabel = "FILE", description = "File of preprocessed training crops, built on first use.")
    Path cache;

    // help = true: picocli then skips the required options, so the GPU script can ask without data.
    @SuppressWarnings("deprecation")
    @Option(names = "--print-backend", help = true, description = "Print the ND4J backend and device, then exit.")
    boolean printBackend;

    @Override
    public Integer call() {
        if (printBackend) {
            spec.commandLine().getOut().println(Backend.current().logLine());
            return 0;
        }
        TrainConfig config = config();
        // originalArgs holds the whole command line the root parsed, subcommand name included.
        String commandLine = "streetnum " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        TrainingData training = TrainingData.load(data, trainRepeat, val, extraTrain, extraTrainRepeat);
        // SIGTERM (a scheduler taking the machine back) or Ctrl-C: finish the step, save it, exit as the
        // signal would have.
        try (StopSignals signals = StopSignals.askingToStop(spec.commandLine().getErr(),
                "stopping after this step, which will be saved")) {
            try {
                new Trainer(config, out, commandLine).stoppingWhen(signals::stopRequested).train(training, resume);
            } catch (TrainingStopped stopped) {
                spec.commandLine().getErr().println(stopped.getMessage());
                return signals.status();
            }
        }
        spec.commandLine().getOut().println("best model: " + out.resolve(Trainer.BEST_BUNDLE));
        return 0;
    }

    /** The run's configuration as the options give it. */
    TrainConfig config() {
        if (consistency == null && (consistencyBatch != null || consistencyThreshold != Consistency.DEFAULT_THRESHOLD)) {
            throw new IllegalArgumentException("--consistency-threshold and --consistency-batch need --consistency DIR");
        }
        dev.streetnum.data.PreprocessConfig defaults = dev.streetnum.data.PreprocessConfig.DEFAULT;
        return new TrainConfig(preset, epochs, minutes, maxIterations, batch, learningRate, schedule,
                weightDecay, dropout, seed, validationInterval, validationSample, patience, monitorInterval, workers, cache,
                (noJitter ? dev.streetnum.data.Augmentation.NONE : dev.streetnum.data.Augmentation.DEFAULT).withCutout(cutout)
                        .withLowResolution(lowResolution).withPartialNumber(partialNumber),
                new dev.streetnum.data.PreprocessConfig(expansion, defaults.resize(), defaults.crop()), initFrom,
                weightAverageDecay, sharpnessRadius, consistency == null ? null : new Consistency(consistency,
                        consistencyThreshold, consistencyBatch == null ? batch : consistencyBatch, Consistency.STRONG));
    }

    /**
     * Preset names as the other commands and the docs spell them ("cpu-bn" for CPU_BN): picocli's
     * case-insensitive enums do not map the hyphen, {@link Preset#parse} does and names the choices.
     */
    static final class PresetName implements picocli.CommandLine.ITypeConverter<Preset> {
        @Override
        public Preset convert(String value) {
            try {
                return Preset.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
