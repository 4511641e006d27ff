package dev.streetnum.eval;

import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.AnnotatedImage;
import dev.streetnum.data.AnnotationGap;
import dev.streetnum.data.Box;
import dev.streetnum.data.CropExpander;
import dev.streetnum.data.ImageDecoder;
import dev.streetnum.data.Java2dImage;
import dev.streetnum.data.PreprocessConfig;
import dev.streetnum.data.ProgressDisplay;
import dev.streetnum.data.SequenceLabels;
import dev.streetnum.data.StreetnumVersion;
import dev.streetnum.model.BoxSource;
import dev.streetnum.model.Ensemble;
import dev.streetnum.model.InferenceEngine;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.SequenceDecoder;
import dev.streetnum.model.TargetAccuracy;
import dev.streetnum.model.Transcriber;
import dev.streetnum.model.Transcription;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import me.tongfei.progressbar.ProgressBar;
import org.bytedeco.opencv.opencv_core.Mat;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/** An evaluator evaluates a model bundle on data sets into a {@link CoverageReport} (DESIGN section 6). */
public final class Evaluator {

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
        return evaluate(Ensemble.onDl4j(bundle), test, validation, train);
    }

    /**
     * The same on another engine (e.g. the bundle's int8 model in ONNX Runtime), so one report format
     * compares engines; the report names the engine's model id.
     */
    public CoverageReport evaluate(ModelBundle bundle, InferenceEngine engine, AnnotatedDataset test,
                                   AnnotatedDataset validation, AnnotatedDataset train) {
        return evaluate(Ensemble.of(bundle, engine), test, validation, train);
    }

    /**
     * The same for models read together (their heads averaged before decoding); the report names them
     * all, the first one's id first.
     */
    public CoverageReport evaluate(Ensemble models, AnnotatedDataset test, AnnotatedDataset validation,
                                   AnnotatedDataset train) {
        Transcriber transcriber = new Transcriber(models, config.views());
        EvaluatedSet testSet = transcribe(transcriber, "test", test);
        EvaluatedSet validationSet = validation == null ? null : transcribe(transcriber, "validation", validation);
        EvaluatedSet trainSet = train == null ? null : transcribe(transcriber, "train", train);
        CoverageReport report = CoverageReport.of(StreetnumVersion.VERSION, models.modelId(),
                config.targetAccuracy(), config.boxUse(), testSet, validationSet, trainSet);

        CropExpander expander = new CropExpander(models.lead().metadata().preprocess());
        List<SheetTile> worst = tiles(ReviewSheet.mostConfidentErrors(testSet.predictions()), test, expander);
        List<SheetTile> refused = tiles(ReviewSheet.refused(testSet.predictions(), report.acceptanceThreshold()),
                test, expander);
        Set<String> gapFiles = AnnotationGap.findAll(test).stream().map(g -> test.nameOf(g.image()))
                .collect(Collectors.toSet());
        return report.withSheets(worst, refused).withAnnotationGaps(gapFiles);
    }

    public CoverageReport evaluate(ModelBundle bundle, AnnotatedDataset test) {
        return evaluate(bundle, test, null, null);
    }

    /** The part of the network input a sheet outlines: crop side over resize side (54/64). */
    public static double seenFraction(PreprocessConfig preprocess) {
        return preprocess.crop() / (double) preprocess.resize();
    }

    /**
     * For the trainer: sequence accuracy and coverage at {@link TargetAccuracy#PAPER} on batches it has already built (features
     * [mb,3,54,54], labels and masks as {@code StreetNumberIterator} makes them), writing nothing.
     */
    public static ValidationScore validate(ComputationGraph network, Iterator<MultiDataSet> batches) {
        List<Prediction> predictions = new ArrayList<>();
        while (batches.hasNext()) {
            MultiDataSet batch = batches.next();
            List<Transcription> answers = SequenceDecoder.decode(network.output(batch.getFeatures(0)));
            INDArray[] labels = batch.getLabels();
            for (int i = 0; i < answers.size(); i++) {
                Transcription t = answers.get(i);
                predictions.add(new Prediction("#" + predictions.size(), SequenceLabels.decode(labels, i),
                        t.candidate(), t.transcribable(), t.confidence(), t.adHocConfidence()));
            }
        }
        EvaluatedSet set = new EvaluatedSet("validation batches", predictions);
        CoverageCurve curve = set.principledCurve();
        OperatingPoint target = curve.atAccuracy(TargetAccuracy.PAPER_ACCURACY);
        return new ValidationScore(predictions.size(), set.metrics().sequenceAccuracy(),
                TargetAccuracy.PAPER_ACCURACY, target.coverage(), target.threshold(), curve.riskCoverageArea());
    }

    private EvaluatedSet transcribe(Transcriber transcriber, String name, AnnotatedDataset data) {
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
                        regions.add(config.boxUse() == BoxUse.WITHHELD ? null : image.region());
                    }
                    List<Transcription> answers = switch (config.boxUse()) {
                        case GIVEN, WITHHELD -> transcriber.transcribe(decoded, regions);
                        case AS_FOUND -> transcriber.transcribeAsFound(decoded, regions);
                    };
                    for (int i = 0; i < batch.size(); i++) {
                        AnnotatedImage image = batch.get(i);
                        Transcription answer = answers.get(i);
                        predictions.add(prediction(data.nameOf(image), image, answer));
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
        return ProgressDisplay.start(task, images, " img");
    }

    /**
     * The IoU columns are the found boxes' against the CSV's union box, when the model was given no box; a box
     * read as found is the CSV's own, so its IoU would say nothing.
     */
    private Prediction prediction(String file, AnnotatedImage image, Transcription t) {
        boolean found = config.boxUse() == BoxUse.WITHHELD;
        List<Prediction.CandidateBox> candidates = t.boxReadings().stream()
                .map(r -> new Prediction.CandidateBox(r, found ? r.box().iou(image.region()) : Double.NaN)).toList();
        return new Prediction(file, image.number(), t.candidate(), t.transcribable(), t.confidence(),
                t.adHocConfidence(), t.box(), t.boxSource(),
                found && t.box() != null ? t.box().iou(image.region()) : Double.NaN, candidates);
    }

    /**
     * Re-reads the few images a sheet shows and cuts them exactly as the model's input was cut. A
     * prediction names its image by its file in the set (the data set has one image per file).
     */
    private static List<SheetTile> tiles(List<Prediction> chosen, AnnotatedDataset set, CropExpander expander) {
        Map<String, AnnotatedImage> imageByFile = new HashMap<>();
        for (AnnotatedImage image : set.images()) {
            imageByFile.put(set.nameOf(image), image);
        }
        List<SheetTile> tiles = new ArrayList<>(chosen.size());
        for (Prediction p : chosen) {
            AnnotatedImage image = imageByFile.get(p.file());
            // The region the model read: the CSV's box, or the one found without it.
            Box region = p.box() == null ? image.region() : p.boxSource() == BoxSource.WHOLE_IMAGE ? null : p.box();
            try (Mat photo = ImageDecoder.read(image.file());
                 Mat crop = expander.expandedCrop(photo, region)) {
                tiles.add(new SheetTile(Java2dImage.of(crop), p));
            }
        }
        return tiles;
    }
}
