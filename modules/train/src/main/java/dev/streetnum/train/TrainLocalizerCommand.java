package dev.streetnum.train;

import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.HeldOutPhotos;
import dev.streetnum.data.StopSignals;
import dev.streetnum.model.Localizer;
import dev.streetnum.model.LocalizerInput;
import dev.streetnum.model.LocalizerNetwork;
import dev.streetnum.model.ModelBundle;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code streetnum train-localizer}: the options build a {@link LocalizerConfig}; the {@link LocalizerTrainer}
 * trains, and the localizer is attached to a copy of an existing bundle.
 */
@Command(name = "train-localizer", mixinStandardHelpOptions = true,
        description = {"Trains a localizer (finds the number on a whole photo, for requests without a box) on"
                + " --data folders, selects it by mean IoU on --val, and writes --bundle with it attached to --out."})
public final class TrainLocalizerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR",
            description = "Training photos: a folder with labels.csv (real photos, `generate` output); repeatable.")
    List<Path> data;

    @Option(names = "--val", required = true, paramLabel = "DIR",
            description = "Validation photos (a folder with labels.csv) the localizer is selected on.")
    Path val;

    @Option(names = "--bundle", required = true, paramLabel = "BUNDLE",
            description = "The model bundle to attach the localizer to (read only); the result carries this"
                    + " localizer alone (add others with attach-localizer --from).")
    Path bundle;

    @Option(names = "--out", required = true, paramLabel = "BUNDLE",
            description = "Where the bundle with the localizer is written (atomically; may equal --bundle).")
    Path out;

    @Option(names = "--minutes", paramLabel = "MINUTES",
            description = "Training time budget in minutes (default: ${DEFAULT-VALUE}).")
    double minutes = LocalizerConfig.DEFAULT_MINUTES;

    @Option(names = "--max-iterations", paramLabel = "N",
            description = "Stop after this many minibatches, 0 for none (default: ${DEFAULT-VALUE}).")
    long maxIterations = LocalizerConfig.DEFAULT_MAX_ITERATIONS;

    @Option(names = "--input-side", paramLabel = "PIXELS",
            description = "The photo is stretched to this height (and width, unless"
            + " --input-width), a multiple of 16 (default: " + LocalizerConfig.DEFAULT_INPUT_SIDE
            + ", or --init-from's).")
    Integer inputSide;

    @Option(names = "--input-width", paramLabel = "PIXELS",
            description = "The photo is stretched to this width, a multiple of 16; house-number"
            + " photos are two to three times as wide as high, so e.g. --input-width 128 beside --input-side 64"
            + " gives their digits twice the pixels across (default: the input side, or --init-from's).")
    Integer inputWidth;

    @Option(names = "--batch", paramLabel = "N", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
    int batch = LocalizerConfig.DEFAULT_BATCH_SIZE;

    @Option(names = "--lr", paramLabel = "RATE",
            description = "Adam learning rate, decayed on a cosine over the budget (default: ${DEFAULT-VALUE}).")
    double learningRate = LocalizerConfig.DEFAULT_LEARNING_RATE;

    @Option(names = "--seed", paramLabel = "SEED", description = "The run's seed (default: ${DEFAULT-VALUE}).")
    long seed = LocalizerConfig.DEFAULT_SEED;

    @Option(names = "--validate-every", paramLabel = "N",
            description = "Minibatches between validations (default: ${DEFAULT-VALUE}).")
    int validateEvery = LocalizerConfig.DEFAULT_VALIDATE_EVERY;

    @Option(names = "--natural-share", paramLabel = "SHARE",
            description = "Share of views at the photo's natural framing (default: ${DEFAULT-VALUE}).")
    double naturalShare = LocalizerConfig.DEFAULT_NATURAL_SHARE;

    @Option(names = "--padded-share", paramLabel = "SHARE",
            description = "Share of re-framed views that may reach past the photo (default: ${DEFAULT-VALUE}).")
    double paddedShare = LocalizerConfig.DEFAULT_PADDED_SHARE;

    @Option(names = "--max-padding", paramLabel = "SHARE",
            description = "How far past the photo a padded view may reach, as a fraction of its size (default: ${DEFAULT-VALUE}).")
    double maxPadding = LocalizerConfig.DEFAULT_MAX_PADDING;

    @Option(names = "--width", paramLabel = "K",
            description = "Channel multiplier of the network, 1-" + LocalizerNetwork.MAX_WIDTH
            + " (1: conv 8-16-32-64, dense 128; 2 has about 4x the parameters and FLOPs) (default: "
            + LocalizerConfig.DEFAULT_WIDTH + ", or --init-from's).")
    Integer width;

    @Option(names = "--loss", paramLabel = "LOSS",
            description = "What training minimises: L2 (squared error on the encoded box), RELATIVE"
            + " (the centre's error in units of the number's own size, smooth L1, so small numbers count as much as"
            + " large ones) or GIOU (generalized IoU of the boxes themselves, 1 - IoU plus the share of the enclosing"
            + " box that neither fills); with --init-from, the start trains on with it (default: ${DEFAULT-VALUE}).")
    LocalizerNetwork.Loss loss = LocalizerConfig.DEFAULT_LOSS;

    @Option(names = "--init-from", paramLabel = "BUNDLE", description = "Start from this bundle's localizer (train it on"
            + " for longer, or on more data) instead of random weights; its input size and width are the run's.")
    Path initFrom;

    @Option(names = "--skip-bad-rows", description = "Skip malformed CSV rows (counted) instead of stopping.")
    boolean skipBadRows;

    @Override
    public Integer call() {
        int side = inputSide != null ? inputSide : LocalizerConfig.DEFAULT_INPUT_SIDE;
        int across = inputWidth != null ? inputWidth : side;
        int channels = width != null ? width : LocalizerConfig.DEFAULT_WIDTH;
        if (initFrom != null) {
            Localizer start = LocalizerTrainer.localizerIn(initFrom);
            side = inputSide != null ? inputSide : start.metadata().inputSide();
            across = inputWidth != null ? inputWidth : start.metadata().inputWidth();
            channels = width != null ? width : LocalizerNetwork.widthOf(start.network());
        }
        LocalizerConfig config = new LocalizerConfig(new LocalizerInput(across, side), minutes, maxIterations, batch,
                learningRate, seed, validateEvery, naturalShare, paddedShare, maxPadding, channels, loss, initFrom);
        // Read the bundle first: a wrong path should fail before minutes of training, not after.
        ModelBundle target = ModelBundle.load(bundle);
        AnnotatedDataset validation = AnnotatedDataset.load(val, skipBadRows);
        // Selected by mean IoU on --val, so a --data folder holding a validation photo would be judged on it; the
        // test folder beside --val (split-svhn-real.sh's layout) is what the no-box figures are read on.
        HeldOutPhotos heldOut = HeldOutPhotos.validation(validation, val).andTestFolder(TrainingData.testBeside(val));
        List<AnnotatedDataset> train = new ArrayList<>();
        for (Path folder : data) {
            AnnotatedDataset set = AnnotatedDataset.load(folder, skipBadRows);
            heldOut.requireNoneIn(set, folder, "the localizer's training photos");
            train.add(set);
        }
        String commandLine = "streetnum " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        PrintWriter err = spec.commandLine().getErr();
        Localizer localizer;
        // SIGTERM or Ctrl-C: keep the best localizer validated so far (a localizer's run cannot resume).
        try (StopSignals signals = StopSignals.askingToStop(err,
                "stopping after this step: the best localizer validated so far will be attached")) {
            try {
                localizer = new LocalizerTrainer(config, commandLine, err).stoppingWhen(signals::stopRequested)
                        .train(train, validation);
            } catch (TrainingStopped stopped) {
                err.println(stopped.getMessage());
                return signals.status();
            }
            target.withLocalizer(localizer).save(out);
            AttachLocalizerCommand.warnIfNoBoxThresholdsAreStale(target, out, err);
            spec.commandLine().getOut().printf(Locale.ROOT, "localizer (validation mean IoU %.4f) attached: %s%n",
                    localizer.metadata().metrics().get("val_mean_iou"), out);
            if (Boolean.TRUE.equals(localizer.metadata().provenance().get(LocalizerTrainer.STOPPED_ON_REQUEST))) {
                err.println("stopped on request before its plan ended: the localizer attached is the best validated by then");
                return signals.status();
            }
        }
        return 0;
    }
}
