package dev.streetnum.eval;

import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.AnnotatedImage;
import dev.streetnum.data.Box;
import dev.streetnum.data.CropExpander;
import dev.streetnum.data.ImageDecoder;
import dev.streetnum.data.PreprocessConfig;
import dev.streetnum.data.SequenceLabels;
import dev.streetnum.data.StreetnumVersion;
import dev.streetnum.model.BoxSource;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.SequenceDecoder;
import dev.streetnum.model.Transcriber;
import dev.streetnum.model.Transcription;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.bytedeco.opencv.opencv_core.Mat;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/** An evaluator evaluates a model bundle on data sets into a {@link CoverageReport} (DESIGN section 6). */
public final class Evaluator {

    /** The accuracy {@link #validate} reports coverage at: the paper's operating point. */
    public static final double VALIDATION_ACCURACY = 0.98;

    private final EvaluationConfig config;

    public Evaluator(EvaluationConfig config) {
        this.config = config;
    }

    /**
     * Transcribes every image of each set (centre crops, through the bundle's {@link Transcriber}: the
     * service's path) and measures them.
     *
     * @param validation where thresholds are chosen; null chooses them on test (then labelled so)
     * @param train      for the train-test gap; may be null
     */
    public CoverageReport evaluate(ModelBundle bundle, AnnotatedDataset test, AnnotatedDataset validation,
                                   AnnotatedDataset train) {
        Transcriber transcriber = new Transcriber(bundle);
        Map<Prediction, AnnotatedImage> testImages = new IdentityHashMap<>();
        EvaluatedSet testSet = transcribe(transcriber, "test", test, testImages);
        EvaluatedSet validationSet = validation == null ? null
                : transcribe(transcriber, "validation", validation, new IdentityHashMap<>());
        EvaluatedSet trainSet = train == null ? null : transcribe(transcriber, "train", train, new IdentityHashMap<>());
        CoverageReport report = CoverageReport.of(StreetnumVersion.VERSION, bundle.metadata().modelId(),
                config.targetAccuracy(), config.noBox() ? CoverageReport.NO_BOX : CoverageReport.CSV_BOXES,
                testSet, validationSet, trainSet);

        CropExpander expander = new CropExpander(bundle.metadata().preprocess());
        List<SheetTile> worst = tiles(ContactSheet.mostConfidentErrors(testSet.predictions()), testImages, expander);
        List<SheetTile> refused = tiles(ContactSheet.refused(testSet.predictions(), report.acceptanceThreshold()),
                testImages, expander);
        return report.withSheets(worst, refused);
    }

    public CoverageReport evaluate(ModelBundle bundle, AnnotatedDataset test) {
        return evaluate(bundle, test, null, null);
    }

    /** The part of the network input a sheet outlines: crop side over resize side (54/64). */
    public static double seenFraction(PreprocessConfig preprocess) {
        return preprocess.crop() / (double) preprocess.resize();
    }

    /**
     * For the trainer: sequence accuracy and coverage at 98% on batches it has already built (features
     * [mb,3,54,54], labels and masks as {@code StreetNumberIterator} makes them), writing nothing.
     */
    public static ValidationScore validate(ComputationGraph network, Iterator<MultiDataSet> batches) {
        List<Prediction> predictions = new ArrayList<>();
        while (batches.hasNext()) {
            MultiDataSet batch = batches.next();
            List<Transcription> answers = SequenceDecoder.decode(network.output(batch.getFeatures(0)));
            INDArray[] labels = batch.getLabels();
            for (int i = 0; i < answers.size(); i++) {
                predictions.add(prediction("#" + predictions.size(), truthFromLabels(labels, i), answers.get(i),
                        Double.NaN));
            }
        }
        EvaluatedSet set = new EvaluatedSet("validation batches", predictions);
        OperatingPoint at98 = set.principledCurve().atAccuracy(VALIDATION_ACCURACY);
        return new ValidationScore(predictions.size(), set.metrics().sequenceAccuracy(), at98.coverage(),
                at98.threshold());
    }

    /**
     * The number a row of one-hot labels encodes. A ">5" label only carries its first five digits; a
     * trailing '+' makes it six characters long, so it is the ">5" class and never equals an answer.
     */
    static String truthFromLabels(INDArray[] labels, int row) {
        int lengthClass = labels[0].getRow(row).argMax().getInt(0);
        int shown = Math.min(lengthClass, SequenceLabels.MAX_DIGITS);
        StringBuilder truth = new StringBuilder();
        for (int d = 0; d < shown; d++) {
            truth.append((char) ('0' + labels[1 + d].getRow(row).argMax().getInt(0)));
        }
        if (lengthClass == SequenceLabels.OVERFLOW_CLASS) {
            truth.append('+');
        }
        return truth.toString();
    }

    private EvaluatedSet transcribe(Transcriber transcriber, String name, AnnotatedDataset data,
                                    Map<Prediction, AnnotatedImage> imageOf) {
        List<AnnotatedImage> images = data.images();
        images = images.subList(0, Math.min(images.size(), config.limit()));
        List<Prediction> predictions = new ArrayList<>(images.size());
        try (ProgressBar progress = progressBar("evaluate " + name, images.size())) {
            for (int start = 0; start < images.size(); start += config.batchSize()) {
                List<AnnotatedImage> batch = images.subList(start, Math.min(images.size(), start + config.batchSize()));
                List<Mat> decoded = new ArrayList<>(batch.size());
                List<Box> regions = new ArrayList<>(batch.size());
                try {
                    for (AnnotatedImage image : batch) {
                        decoded.add(ImageDecoder.read(image.file()));
                        regions.add(config.noBox() ? null : image.region());
                    }
                    List<Transcription> answers = transcriber.transcribe(decoded, regions);
                    for (int i = 0; i < batch.size(); i++) {
                        AnnotatedImage image = batch.get(i);
                        Transcription answer = answers.get(i);
                        Prediction p = prediction(relativeName(data.root(), image.file()), image.number(), answer,
                                config.noBox() && answer.box() != null ? answer.box().iou(image.region()) : Double.NaN);
                        predictions.add(p);
                        imageOf.put(p, image);
                    }
                } finally {
                    decoded.forEach(Mat::close);
                }
                if (progress != null) {
                    progress.stepBy(batch.size());
                }
            }
        }
        return new EvaluatedSet(data.identity(), predictions);
    }

    private ProgressBar progressBar(String task, int images) {
        if (!config.showProgress()) {
            return null;
        }
        return new ProgressBarBuilder().setTaskName(task).setInitialMax(images).setUnit(" img", 1).showSpeed()
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
    }

    private static Prediction prediction(String file, String truth, Transcription t, double boxIou) {
        return new Prediction(file, truth, t.candidate(), t.transcribable(), t.confidence(), t.adHocConfidence(),
                t.box(), t.boxSource(), boxIou);
    }

    /** The image's name as the CSV gives it: data sets hold files resolved against their folder. */
    private static String relativeName(Path root, Path file) {
        return root.toAbsolutePath().normalize().relativize(file.toAbsolutePath().normalize()).toString()
                .replace('\\', '/');
    }

    /** Re-reads the few images a sheet shows and cuts them exactly as the model's input was cut. */
    private static List<SheetTile> tiles(List<Prediction> chosen, Map<Prediction, AnnotatedImage> imageOf,
                                         CropExpander expander) {
        List<SheetTile> tiles = new ArrayList<>(chosen.size());
        for (Prediction p : chosen) {
            AnnotatedImage image = imageOf.get(p);
            // The region the model read: the CSV's box, or the one found without it.
            Box region = p.box() == null ? image.region() : p.boxSource() == BoxSource.WHOLE_IMAGE ? null : p.box();
            try (Mat photo = ImageDecoder.read(image.file());
                 Mat crop = expander.expandedCrop(photo, region)) {
                tiles.add(new SheetTile(toImage(crop), p));
            }
        }
        return tiles;
    }

    /** An 8-bit BGR matrix as a Java image (same byte order, so one copy). */
    static BufferedImage toImage(Mat bgr) {
        if (bgr.channels() != 3 || bgr.depth() != org.bytedeco.opencv.global.opencv_core.CV_8U) {
            throw new IllegalArgumentException("expected an 8-bit 3-channel crop, got " + bgr.channels()
                    + " channels of depth " + bgr.depth());
        }
        try (Mat continuous = bgr.isContinuous() ? new Mat(bgr) : bgr.clone()) {
            BufferedImage image = new BufferedImage(bgr.cols(), bgr.rows(), BufferedImage.TYPE_3BYTE_BGR);
            byte[] pixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
            continuous.data().get(pixels);
            return image;
        }
    }
}
