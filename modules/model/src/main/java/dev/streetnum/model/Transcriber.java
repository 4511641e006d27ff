package dev.streetnum.model;

import dev.streetnum.data.Box;
import dev.streetnum.data.CropExpander;
import dev.streetnum.data.PreprocessConfig;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A model predicts: images (with optional detector boxes) in, {@link Transcription}s out, through the
 * same {@code CropExpander} path the evaluator uses (centre crop, the bundle's PreprocessConfig), and
 * the forward pass of an {@link InferenceEngine} (DL4J unless another is given). A photo without a
 * box is read in two passes when the bundle has a {@link Localizer}: localize on the whole photo, then
 * transcribe the predicted box exactly as a caller's box (expanded 30%); with several localizers each
 * box is read and the answer with the highest P(S|x) kept (the transcriber scores the candidate boxes);
 * without a localizer the whole photo is the region, as before. With {@link ReadViews} of several views (test-time
 * augmentation) each region is read several ways and the heads' probabilities averaged before the
 * one exact decoding. With an {@link Ensemble} every model reads the same input and the heads are
 * averaged over the models too; the first model's localizers find the boxes, a photo sent without a
 * box is read by the ensemble's no-box members ({@link Ensemble#noBoxReaders}) and a caller's box by its
 * box members ({@link Ensemble#boxReaders}), each path's answers scored as the bundle says ({@link ReadingPaths#score}:
 * the averaged heads' P(S|x), or the networks' agreement). Not thread-safe (DL4J
 * networks are not): the service serialises calls through its micro-batcher.
 */
public final class Transcriber {

    private final Ensemble models;
    private final ModelBundle bundle;
    private final CropExpander expander;
    private final ReadViews views;

    /** The bundle as it reads (with its partners, if it has any), every network on DL4J. */
    public Transcriber(ModelBundle bundle) {
        this(Ensemble.onDl4j(bundle), ReadViews.CENTRE);
    }

    /**
     * @param engine the forward pass, e.g. ONNX Runtime's; it must run this bundle's network, and the bundle
     *               must have no partners (they need engines of their own: {@link #Transcriber(Ensemble, ReadViews)})
     */
    public Transcriber(ModelBundle bundle, InferenceEngine engine) {
        this(bundle, engine, ReadViews.CENTRE);
    }

    /** @param views what each region is read as: its heads are averaged over these before decoding */
    public Transcriber(ModelBundle bundle, InferenceEngine engine, ReadViews views) {
        this(Ensemble.of(bundle, engine), views);
    }

    /** @param models read together: the heads are averaged over them (and the views) before decoding */
    public Transcriber(Ensemble models, ReadViews views) {
        this.models = models;
        this.bundle = models.lead();
        this.expander = new CropExpander(bundle.metadata().preprocess());
        this.views = views;
    }

    public ReadViews views() {
        return views;
    }

    public ModelBundle bundle() {
        return bundle;
    }

    public Ensemble models() {
        return models;
    }

    /**
     * @param regions one per image; a null entry means no box: the bundle's localizers find the region (each
     *                one candidate box, read like a caller's, the answer with the highest P(S|x) kept), or
     *                without a localizer the whole image is the region
     */
    public List<Transcription> transcribe(List<Mat> images, List<Box> regions) {
        if (regions != null && regions.size() != images.size()) {
            throw new IllegalArgumentException(
                    "give one region per image (or none): " + images.size() + " images, " + regions.size() + " regions");
        }
        if (images.isEmpty()) {
            return List.of();
        }
        List<Mat> unboxed = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            if (regions == null || regions.get(i) == null) {
                unboxed.add(images.get(i));
            }
        }
        List<List<Box>> found = new ArrayList<>();
        if (!unboxed.isEmpty()) {
            for (Localizer localizer : models.members().get(0).engine().localizers()) {
                found.add(localizer.localize(unboxed));
            }
        }
        // Every candidate region of every image, read in one batch: image i's are reads [first[i], first[i+1]).
        List<Read> reads = new ArrayList<>();
        int[] first = new int[images.size() + 1];
        int u = 0;
        for (int i = 0; i < images.size(); i++) {
            first[i] = reads.size();
            Mat image = images.get(i);
            Box given = regions == null ? null : regions.get(i);
            if (given != null) {
                reads.add(new Read(image, given, BoxSource.CALLER));
            } else if (found.isEmpty()) {
                reads.add(new Read(image, new Box(0, 0, image.cols(), image.rows()), BoxSource.WHOLE_IMAGE));
            } else {
                for (List<Box> boxes : found) {
                    reads.add(new Read(image, boxes.get(u), BoxSource.LOCALIZED));
                }
                u++;
            }
        }
        first[images.size()] = reads.size();
        List<Transcription> answers = readOnTheirPaths(reads);
        List<Transcription> chosen = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            chosen.add(combineBoxes(answers, reads, first[i], first[i + 1]));
        }
        return chosen;
    }

    /**
     * Reads each image's region as a box the bundle's localizer found (the localizers are not run): by the
     * networks that read a photo sent without a box ({@link Ensemble#noBoxReaders}), each answer's source
     * {@link BoxSource#LOCALIZED}, so it is judged at the no-box threshold. How the no-box path reads a
     * given box: a set of boxes that cut the number short ({@code streetnum cut-numbers}) measures how
     * often it would answer a localizer's box that misses digits.
     */
    public List<Transcription> transcribeAsFound(List<Mat> images, List<Box> regions) {
        if (regions == null || regions.size() != images.size() || regions.contains(null)) {
            throw new IllegalArgumentException("give one region per image to read as found: " + images.size()
                    + " images, " + (regions == null ? "no" : regions.size()) + " regions"
                    + (regions != null && regions.contains(null) ? ", one of them missing" : ""));
        }
        List<Read> reads = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            reads.add(new Read(images.get(i), regions.get(i), BoxSource.LOCALIZED));
        }
        List<Transcription> answers = readOnTheirPaths(reads);
        List<Transcription> found = new ArrayList<>(answers.size());
        for (int i = 0; i < answers.size(); i++) {
            found.add(combineBoxes(answers, reads, i, i + 1));
        }
        return found;
    }

    /**
     * One image's answer from the readings of its candidate boxes, reads [from, to), as
     * {@link ReadViews#boxes} says; the box given is the candidate read most probably as that answer
     * (the most probable read when none reads it: a MEAN or MIXTURE answer may be no box's own). With
     * several candidates, every box's own reading travels with the answer.
     */
    private Transcription combineBoxes(List<Transcription> answers, List<Read> reads, int from, int to) {
        int best = keptBox(answers, from, to);
        if (to - from == 1) {
            return answers.get(best).withBox(reads.get(best).region(), reads.get(best).source());
        }
        List<Transcription.BoxReading> readings = new ArrayList<>(to - from);
        for (int r = from; r < to; r++) {
            readings.add(answers.get(r).asBoxReading(reads.get(r).region()));
        }
        if (views.boxes() == ReadViews.Combine.MOST_CONFIDENT) {
            return answers.get(best).withBox(reads.get(best).region(), reads.get(best).source())
                    .withBoxReadings(readings);
        }
        List<double[][]> heads = answers.subList(from, to).stream().map(Transcription::heads).toList();
        Transcription combined = views.boxes() == ReadViews.Combine.MIXTURE ? SequenceDecoder.decodeMixture(heads)
                : SequenceDecoder.decode(SequenceDecoder.meanHeads(heads));
        int box = -1;
        for (int r = from; r < to; r++) {
            if (answers.get(r).candidate().equals(combined.candidate())
                    && (box < 0 || headsLog(answers.get(r)) > headsLog(answers.get(box)))) {
                box = r;
            }
        }
        box = box < 0 ? best : box;
        return combined.withBox(reads.get(box).region(), reads.get(box).source()).withBoxReadings(readings);
    }

    /**
     * Of a photo's candidate boxes' readings [from, to), the one {@link ReadViews.Combine#MOST_CONFIDENT} keeps:
     * the most probable by the averaged heads ({@link #headsLog}); the first of equals.
     */
    private int keptBox(List<Transcription> answers, int from, int to) {
        int top = from;
        for (int i = from + 1; i < to; i++) {
            if (headsLog(answers.get(i)) > headsLog(answers.get(top))) {
                top = i;
            }
        }
        return top;
    }

    /**
     * How surely the no-box networks' averaged heads read a candidate box's answer, log P(S|x): what picks a
     * box, whatever the path's score, so a score only ranks the answer and never picks another box (R52 let
     * the networks' agreement pick the box, and lost on val; R54 keeps the box). With the averaged heads'
     * score it is the answer's own log P(S|x).
     */
    private double headsLog(Transcription answer) {
        return models.paths().score(false) == EnsembleScore.MEAN_HEADS ? answer.logProbability()
                : SequenceLikelihood.logProbability(answer.heads(), answer.candidate());
    }

    /**
     * Each read by the networks of its path and scored as its path says ({@link ReadingPaths#score}): a
     * caller's box by the box members, a photo sent without one by the no-box members; in one batch when they
     * are the same networks, scored alike.
     */
    private List<Transcription> readOnTheirPaths(List<Read> reads) {
        if (models.paths().alike()) {
            return read(reads, models.members(), models.paths().score(false));
        }
        List<Read> given = new ArrayList<>();
        List<Read> sentWithout = new ArrayList<>();
        for (Read r : reads) {
            (r.source() == BoxSource.CALLER ? given : sentWithout).add(r);
        }
        java.util.Iterator<Transcription> givenAnswers = read(given, models.boxReaders(), models.paths().score(true))
                .iterator();
        java.util.Iterator<Transcription> otherAnswers = read(sentWithout, models.noBoxReaders(),
                models.paths().score(false)).iterator();
        List<Transcription> answers = new ArrayList<>(reads.size());
        for (Read r : reads) {
            answers.add((r.source() == BoxSource.CALLER ? givenAnswers : otherAnswers).next());
        }
        return answers;
    }

    private List<Transcription> read(List<Read> reads, List<Ensemble.Member> readers, EnsembleScore score) {
        return read(reads.stream().map(Read::image).toList(),
                reads.stream().map(r -> r.source() == BoxSource.WHOLE_IMAGE ? null : r.region()).toList(), readers,
                score);
    }

    /** One region of an image to read, and where it came from (a whole image is read unexpanded). */
    private record Read(Mat image, Box region, BoxSource source) {
    }

    /**
     * Transcribes expanded crops already cut for the callers' boxes (as {@link CropExpander#expandedCrop}
     * gives them): each is read whole, never localized, and its answer names the caller's box. Equal to
     * {@link #transcribe(List, List)} of the photos with those boxes (resizing a crop to its own size is
     * a copy); the service cuts crops on the request threads so its queue never holds whole photos.
     */
    public List<Transcription> transcribeCrops(List<Mat> expandedCrops, List<Box> callerBoxes) {
        if (callerBoxes.size() != expandedCrops.size()) {
            throw new IllegalArgumentException("give one caller box per crop: " + expandedCrops.size() + " crops, "
                    + callerBoxes.size() + " boxes");
        }
        if (expandedCrops.isEmpty()) {
            return List.of();
        }
        List<Transcription> answers = read(expandedCrops, java.util.Collections.nCopies(expandedCrops.size(), null),
                models.boxReaders(), models.paths().score(true));
        List<Transcription> withBoxes = new ArrayList<>(answers.size());
        for (int i = 0; i < answers.size(); i++) {
            withBoxes.add(answers.get(i).withBox(callerBoxes.get(i), BoxSource.CALLER));
        }
        return withBoxes;
    }

    /**
     * Each image's region (null: the whole image) through the one preprocessing path, once per view,
     * then the readers' networks; with several views each head's probabilities are averaged per image.
     * Scored by {@code score} (a mixture of views by its own P(S|x), {@link SequenceDecoder#decodeMixture}).
     */
    private List<Transcription> read(List<Mat> images, List<Box> regions, List<Ensemble.Member> readers,
                                     EnsembleScore score) {
        if (images.isEmpty()) {
            return List.of();
        }
        PreprocessConfig config = expander.config();
        int size = expander.inputSize();
        int perImage = views.count();
        int centre = expander.centreOffset();
        float[] input = new float[images.size() * perImage * size];
        for (int i = 0; i < images.size(); i++) {
            byte[] expanded = null;
            double expandedScale = Double.NaN;
            for (int v = 0; v < perImage; v++) {
                ReadViews.View view = views.views().get(v);
                if (expanded == null || view.boxScale() != expandedScale) {
                    expanded = expander.expandedCropBytes(images.get(i), view.region(regions.get(i)));
                    expandedScale = view.boxScale();
                }
                expander.normalise(expanded, centre + view.dx(), centre + view.dy(), input, (i * perImage + v) * size);
            }
        }
        try (INDArray features = Nd4j.create(input,
                new long[] {(long) images.size() * perImage, config.channels(), config.crop(), config.crop()})) {
            // MOST_CONFIDENT and MIXTURE decode each view (averaged over the models), then combine answers.
            return switch (views.combine()) {
                case MEAN -> transcribe(features, images.size(), readers, score);
                case MOST_CONFIDENT -> mostConfident(transcribe(features, images.size() * perImage, readers, score),
                        perImage);
                case MIXTURE -> mixture(transcribe(features, images.size() * perImage, readers, score), perImage);
            };
        }
    }

    /** Transcribes already-preprocessed input [mb,3,54,54] of caller's boxes: the box members read it. */
    public List<Transcription> transcribe(INDArray features) {
        return transcribe(features, (int) features.size(0), models.boxReaders(), models.paths().score(true));
    }

    /**
     * The readers' heads for the features, averaged over each group of consecutive rows, decoded once, scored
     * by {@code score} ({@link SequenceDecoder#decodeMean(List, int, EnsembleScore)}).
     */
    private List<Transcription> transcribe(INDArray features, int groups, List<Ensemble.Member> readers,
                                           EnsembleScore score) {
        checkShape(features);
        List<INDArray[]> outputs = new ArrayList<>(readers.size());
        try {
            for (Ensemble.Member member : readers) {
                outputs.add(member.engine().output(features));
            }
            return SequenceDecoder.decodeMean(outputs, groups, score);
        } finally {
            outputs.forEach(Transcriber::release);
        }
    }

    /** Of each image's consecutive {@code perImage} answers, the one with the highest P(S|x). */
    static List<Transcription> mostConfident(List<Transcription> answers, int perImage) {
        List<Transcription> best = new ArrayList<>(answers.size() / perImage);
        for (int start = 0; start < answers.size(); start += perImage) {
            best.add(answers.get(mostProbable(answers, start, start + perImage)));
        }
        return best;
    }

    /** The index, in [from, to), of the answer with the highest P(S|x); the first of equals. */
    static int mostProbable(List<Transcription> answers, int from, int to) {
        int top = from;
        for (int i = from + 1; i < to; i++) {
            if (answers.get(i).logProbability() > answers.get(top).logProbability()) {
                top = i;
            }
        }
        return top;
    }

    /** Each image's consecutive {@code perImage} answers as one mixture ({@link SequenceDecoder#decodeMixture}). */
    static List<Transcription> mixture(List<Transcription> answers, int perImage) {
        List<Transcription> out = new ArrayList<>(answers.size() / perImage);
        for (int start = 0; start < answers.size(); start += perImage) {
            out.add(SequenceDecoder.decodeMixture(
                    answers.subList(start, start + perImage).stream().map(Transcription::heads).toList()));
        }
        return out;
    }

    private void checkShape(INDArray features) {
        PreprocessConfig config = expander.config();
        if (features.rank() != 4 || features.size(1) != config.channels()
                || features.size(2) != config.crop() || features.size(3) != config.crop()) {
            throw new IllegalArgumentException("the network takes [mb," + config.channels() + "," + config.crop()
                    + "," + config.crop() + "] input, got " + java.util.Arrays.toString(features.shape()));
        }
    }

    /**
     * Off-heap buffers go back now, not when a garbage collection finds them (a service's batches
     * would otherwise pile up native memory between collections). Whoever times the networks releases
     * their outputs this way too, so the timing holds what serving does.
     */
    public static void release(INDArray[] arrays) {
        for (INDArray a : arrays) {
            if (a.closeable()) {
                a.close();
            }
        }
    }
}
