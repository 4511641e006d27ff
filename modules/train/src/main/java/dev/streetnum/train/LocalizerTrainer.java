package dev.streetnum.train;

import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.AnnotatedImage;
import dev.streetnum.data.Box;
import dev.streetnum.data.CropExpander;
import dev.streetnum.data.DataException;
import dev.streetnum.data.ImageDecoder;
import dev.streetnum.model.BoxEncoding;
import dev.streetnum.model.Localizer;
import dev.streetnum.model.LocalizerInput;
import dev.streetnum.model.LocalizerMetadata;
import dev.streetnum.model.LocalizerNetwork;
import dev.streetnum.model.ModelBundle;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;
import org.deeplearning4j.datasets.iterator.IteratorMultiDataSetIterator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains a {@link Localizer} (issue 14): photos with per-digit boxes in, the network that predicts their
 * union box out, selected by mean IoU on validation photos at their natural framing. The photos are
 * decoded once and held in memory; each minibatch shows random {@link LocalizerViews} of random photos. The
 * transcriber's {@link TrainingLoop} runs the training: budget, cosine schedule, progress and selection.
 */
public final class LocalizerTrainer {

    /** A decoded photo and the visible part of its number's union box. */
    record Photo(Mat image, Box number) {
    }

    /** A validation point: the mean IoU on the validation photos; higher is better. */
    record MeanIou(long iteration, double value) implements ValidationPoint<MeanIou> {
        @Override
        public boolean betterThan(MeanIou other) {
            return other == null || value > other.value;
        }
    }

    /** Keeps a copy of each new best network (training goes on with the original) and logs each validation. */
    static final class BestNetwork implements TrainingLoop.Events<MeanIou> {
        private final PrintWriter log;
        private ComputationGraph network;

        BestNetwork(PrintWriter log) {
            this.log = log;
        }

        @Override
        public void best(ComputationGraph net, MeanIou point) {
            network = net.clone();
        }

        @Override
        public void validated(List<MeanIou> history, MeanIou best) {
            MeanIou last = history.get(history.size() - 1);
            log.printf(Locale.ROOT, "train-localizer: iteration %d, validation mean IoU %.4f (best %.4f at %d)%n",
                    last.iteration(), last.value(), best.value(), best.iteration());
            log.flush();
        }

        /** The best network so far; null before the first validation. */
        ComputationGraph network() {
            return network;
        }
    }

    /** The provenance key of a run that a signal stopped before its plan ended (true; absent otherwise). */
    static final String STOPPED_ON_REQUEST = "stopped_on_request";

    private final LocalizerConfig config;
    private final String commandLine;
    private final PrintWriter log;
    private BooleanSupplier stopRequested = () -> false;

    /**
     * @param commandLine how the run was started, for provenance ("" from code)
     * @param log         where progress lines go
     */
    public LocalizerTrainer(LocalizerConfig config, String commandLine, PrintWriter log) {
        this.config = config;
        this.commandLine = commandLine;
        this.log = log;
    }

    /**
     * Asks {@code requested} after every iteration whether to stop the run there (a signal's handler sets
     * it); the best localizer validated so far is then the result, its provenance saying where the run
     * stopped. A localizer's run takes no checkpoints: there is nothing to resume.
     */
    public LocalizerTrainer stoppingWhen(BooleanSupplier requested) {
        this.stopRequested = requested;
        return this;
    }

    /**
     * Trains on the union of {@code train} sets and returns the localizer with the best validation mean IoU.
     *
     * @throws TrainingStopped when stopped on request before the first validation: no localizer to keep
     */
    public Localizer train(List<AnnotatedDataset> train, AnnotatedDataset val) {
        if (train.isEmpty()) {
            throw new IllegalArgumentException("a localizer needs at least one training set");
        }
        // A starting localizer that does not fit fails before the photos are decoded.
        Localizer start = config.initFrom() == null ? null : startingLocalizer(config);
        List<Photo> trainPhotos = new ArrayList<>();
        for (AnnotatedDataset set : train) {
            trainPhotos.addAll(decode(set, "train"));
        }
        List<Photo> valPhotos = decode(val, "val");
        // The run's seed split as the transcriber's trainer splits it (SeedStreams): initialisation, data, dropout.
        SeedSplit seeds = SeedSplit.of(config.seed());
        ComputationGraph net;
        if (start != null) {
            net = start.network();
            LocalizerNetwork.useLoss(net, config.loss());
        } else {
            net = LocalizerNetwork.build(config.input(), config.width(), config.loss(), seeds.init(),
                    config.learningRate());
        }
        LocalizerMetadata metadata = LocalizerMetadata.create(config.input(), Map.of(), Map.of());
        log.printf(Locale.ROOT, "train-localizer: %d training photos, %d validation photos, %s input, %s loss, %s%n",
                trainPhotos.size(), valPhotos.size(), config.input(), config.loss(),
                config.minutes() > 0 ? config.minutes() + " min budget" : config.maxIterations() + " iterations");
        if (start != null) {
            log.printf(Locale.ROOT, "train-localizer: starting from the localizer of %s (its validation mean IoU: %s)%n",
                    config.initFrom(), start.metadata().metrics().get("val_mean_iou"));
        }
        log.flush();

        BestNetwork best = new BestNetwork(log);
        TrainingLoop<MeanIou> loop = new TrainingLoop<>("train-localizer", config.loopPlan(),
                new Views(trainPhotos, new Random(seeds.data())),
                (n, since) -> new MeanIou(since.iteration(), meanIou(new Localizer(n, metadata), valPhotos)), best)
                .stoppingWhen(stopRequested);
        TrainerState<MeanIou> end = loop.run(net, TrainerState.start());
        trainPhotos.forEach(p -> p.image().close());
        valPhotos.forEach(p -> p.image().close());
        if (loop.stoppedOnRequest() && best.network() == null) {
            throw new TrainingStopped(end.iteration(), ", before its first validation: no localizer to keep");
        }

        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("config", config.toString());
        provenance.put("seed", config.seed());
        if (start != null) {
            provenance.put("init_from", config.initFrom().toString());
            provenance.put("init_from_val_mean_iou", start.metadata().metrics().get("val_mean_iou"));
        }
        provenance.put("train_data", train.stream().map(AnnotatedDataset::identity).toList());
        provenance.put("train_images", train.stream().mapToInt(AnnotatedDataset::size).sum());
        provenance.put("val_data", val.identity());
        provenance.put("val_images", val.size());
        provenance.put("selected_at_iteration", end.best().iteration());
        provenance.put("iterations", end.iteration());
        if (loop.stoppedOnRequest()) {
            provenance.put(STOPPED_ON_REQUEST, true);
        }
        provenance.put("training_seconds", Math.round(end.trainingMillis() / 1e3));
        provenance.put("command_line", commandLine);
        provenance.put("git_commit", Trainer.gitCommit());
        provenance.put("created", Instant.now().toString());
        return new Localizer(best.network(), LocalizerMetadata.create(config.input(), provenance,
                Map.of("val_mean_iou", end.best().value())));
    }

    /**
     * The localizer a run starts from ({@link LocalizerConfig#initFrom}): its weights, updater fresh or as
     * saved, trained on at this run's rate. Its input size and width must be the run's, or the weights would
     * not fit (or would read another picture of the photo).
     */
    static Localizer startingLocalizer(LocalizerConfig config) {
        Localizer start = localizerIn(config.initFrom());
        LocalizerInput input = start.metadata().input();
        int width = LocalizerNetwork.widthOf(start.network());
        if (!input.equals(config.input()) || width != config.width()) {
            throw new IllegalArgumentException("--init-from " + config.initFrom() + " holds a localizer with a " + input
                    + " input and width " + width + "; this run was given a " + config.input() + " input and width "
                    + config.width() + " (leave --input-side, --input-width and --width out to take the localizer's)");
        }
        return start;
    }

    /** The localizer of the bundle file a run starts from; an error naming the file when it has none. */
    static Localizer localizerIn(Path bundle) {
        return ModelBundle.load(bundle).localizer().orElseThrow(() -> new IllegalArgumentException("--init-from "
                + bundle + " has no localizer to start from (train-localizer or attach-localizer puts one in a bundle)"));
    }

    /**
     * The training minibatches: random views of random photos, drawn on from one generator. An epoch is as many
     * views as there are photos; epochs do not replay, so a localizer run takes no checkpoints (it is short).
     */
    private final class Views implements TrainingBatches {
        private final List<Photo> photos;
        private final Random random;

        Views(List<Photo> photos, Random random) {
            this.photos = photos;
            this.random = random;
        }

        @Override
        public MultiDataSetIterator epoch(int epoch) {
            Iterator<org.nd4j.linalg.dataset.api.MultiDataSet> views = Stream
                    .<org.nd4j.linalg.dataset.api.MultiDataSet>generate(() -> batch(photos, random))
                    .limit(batchesPerEpoch()).iterator();
            return new IteratorMultiDataSetIterator(views, config.batchSize());
        }

        @Override
        public long batchesPerEpoch() {
            return Math.max(1, (photos.size() + config.batchSize() - 1) / config.batchSize());
        }

        @Override
        public long images() {
            return batchesPerEpoch() * config.batchSize();
        }
    }

    /** One minibatch of random views of random photos: [mb,3,height,width] inputs, [mb,4] encoded boxes. */
    MultiDataSet batch(List<Photo> photos, Random random) {
        LocalizerInput input = config.input();
        int n = config.batchSize();
        int size = input.size();
        float[] features = new float[n * size];
        float[] labels = new float[n * BoxEncoding.VALUES];
        for (int i = 0; i < n; i++) {
            Photo photo = photos.get(random.nextInt(photos.size()));
            Mat image = photo.image();
            Box window = LocalizerViews.window(image.cols(), image.rows(), photo.number(), config, random);
            try (Mat view = CropExpander.cutReplicating(image, window)) {
                input.write(view, features, i * size);
            }
            float[] target = BoxEncoding.encode(LocalizerViews.inWindow(photo.number(), window), window.width(),
                    window.height());
            System.arraycopy(target, 0, labels, i * BoxEncoding.VALUES, BoxEncoding.VALUES);
        }
        INDArray x = Nd4j.create(features, new long[] {n, 3, input.height(), input.width()});
        INDArray y = Nd4j.create(labels, new long[] {n, BoxEncoding.VALUES});
        return new MultiDataSet(x, y);
    }

    /** Mean IoU of the predicted box against the number's box over photos at their natural framing. */
    static double meanIou(Localizer localizer, List<Photo> photos) {
        double sum = 0;
        for (int from = 0; from < photos.size(); from += 64) {
            List<Photo> chunk = photos.subList(from, Math.min(photos.size(), from + 64));
            List<Box> predicted = localizer.localize(chunk.stream().map(Photo::image).toList());
            for (int i = 0; i < chunk.size(); i++) {
                sum += predicted.get(i).iou(chunk.get(i).number());
            }
        }
        return sum / photos.size();
    }

    /** Decodes a set's photos; a photo whose number lies wholly outside it is skipped with a warning. */
    private List<Photo> decode(AnnotatedDataset set, String role) {
        List<Photo> photos = new ArrayList<>(set.size());
        int skipped = 0;
        for (AnnotatedImage image : set.images()) {
            Mat decoded = ImageDecoder.read(image.file());
            Box number = image.region().visibleIn(decoded.cols(), decoded.rows());
            if (number == null) {
                skipped++;
                decoded.close();
                continue;
            }
            photos.add(new Photo(decoded, number));
        }
        if (skipped > 0) {
            log.printf(Locale.ROOT, "warning: %d %s photos of %s have their number wholly outside the photo; skipped%n",
                    skipped, role, set.identity());
        }
        if (photos.isEmpty()) {
            throw new DataException(set.identity() + ": no photo with its number inside it");
        }
        return photos;
    }
}
