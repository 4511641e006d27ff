package dev.streetnum.train;

import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.AnnotatedImage;
import dev.streetnum.data.Box;
import dev.streetnum.data.DataException;
import dev.streetnum.data.DigitBox;
import dev.streetnum.data.ImageDecoder;
import dev.streetnum.data.ProgressDisplay;
import dev.streetnum.data.RealPhotoSplit;
import dev.streetnum.data.SoftTargets;
import dev.streetnum.model.AcceptanceThreshold;
import dev.streetnum.model.Transcriber;
import dev.streetnum.model.Transcription;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import me.tongfei.progressbar.ProgressBar;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Training data the system labels itself (issue 25), in the ordinary {@code labels.csv} layout:
 * <ul>
 * <li>{@link #localizedBoxes}: labelled train photos with their annotated boxes replaced by the boxes the
 * bundle reads without a box (its localizer's; of several localizers', the box whose reading was most
 * probable), so the transcriber learns to read the loose boxes it is served without a box; the labels
 * stay the truth, and only photos the split file calls train are accepted;</li>
 * <li>{@link #pseudoLabel}: photos without labels read the way a caller without a box is served
 * (localizer, then transcriber), kept only when the answer is accepted at the threshold, i.e. at a
 * confidence calibrated on validation to be right {@code target} of the time;</li>
 * <li>{@link #softLabel}: every photo without a label, read the same way, trained towards the distributions
 * that reading came from (distillation: the hard photos the threshold refuses teach too).</li>
 * </ul>
 * The localizer gives one box for the whole number, so every digit row of a written photo carries that
 * box: the union, which is all the transcriber's input path reads. Such sets are training data only; no
 * figure is ever reported on them.
 */
public final class PseudoLabeller {

    /** Photos read per forward pass. */
    static final int CHUNK = 64;

    /** What {@link #pseudoLabel} kept and why the rest was not. */
    public record Result(List<AnnotatedImage> labelled, int read, int refused, List<String> unreadable) {
    }

    private final Transcriber transcriber;
    private final AcceptanceThreshold threshold;
    private final PrintWriter log;

    /**
     * @param transcriber reads whole photos: its bundle must carry a localizer
     * @param threshold   what an answer must reach to become a label, judged as the service judges it
     *                    (the photos come without a box, so its no-box threshold applies)
     * @param log         warnings (unreadable photos) and progress
     */
    public PseudoLabeller(Transcriber transcriber, AcceptanceThreshold threshold, PrintWriter log) {
        requireLocalizer(transcriber);
        this.transcriber = transcriber;
        this.threshold = threshold;
        this.log = log;
    }

    /**
     * {@code train}'s photos, labels kept, each digit's box replaced by the box {@code transcriber} reads the
     * photo from when it comes without one: with one localizer its box, with several the most probable reading's.
     *
     * @param transcriber its bundle must carry a localizer
     * @param split       refuses any photo it does not call train, before any work
     * @param log         warnings (unreadable photos are skipped)
     */
    public static List<AnnotatedImage> localizedBoxes(Transcriber transcriber, AnnotatedDataset train,
                                                      RealPhotoSplit split, PrintWriter log) {
        requireLocalizer(transcriber);
        for (AnnotatedImage image : train.images()) {
            split.requireTrain(image.file(), train.identity());
        }
        List<AnnotatedImage> out = new ArrayList<>(train.size());
        inChunks(train.images(), AnnotatedImage::file, "localize", log, (chunk, photos) -> {
            List<Transcription> read = transcriber.transcribe(photos, Collections.nCopies(photos.size(), null));
            for (int i = 0; i < chunk.size(); i++) {
                out.add(boxed(chunk.get(i).file(), chunk.get(i).number(), read.get(i).box()));
            }
        });
        return out;
    }

    private static void requireLocalizer(Transcriber transcriber) {
        if (transcriber.bundle().localizer().isEmpty()) {
            throw new IllegalArgumentException("model " + transcriber.bundle().metadata().modelId()
                    + " has no localizer: attach one (train-localizer) before labelling whole photos");
        }
    }

    /**
     * Whether an answer becomes a training label: one the threshold accepts, and a number (a reading of no
     * digits names nothing to learn). Written pseudo-labels and consistency training's targets both follow it.
     */
    static boolean becomesLabel(Transcription answer, boolean accepted) {
        return accepted && !answer.candidate().isEmpty();
    }

    /** The photos whose no-box answer is accepted at the threshold, labelled with it. */
    public Result pseudoLabel(List<Path> photos) {
        List<AnnotatedImage> labelled = new ArrayList<>();
        int[] refused = {0};
        List<String> unreadable = readWithoutBox(transcriber, photos, "pseudo-label", log, (file, t) -> {
            if (becomesLabel(t, threshold.accepts(t))) {
                labelled.add(boxed(file, t.candidate(), t.box()));
            } else {
                refused[0]++;
            }
        });
        return new Result(labelled, photos.size() - unreadable.size(), refused[0], unreadable);
    }

    /**
     * Every readable photo, read as a caller without a box is served, trained towards the six head
     * distributions of that reading ({@link SoftTargets}: distillation, no threshold); its digits are
     * the reading's candidate. A photo whose candidate has no digit is left out (the layout needs one row
     * per digit) and counted as refused.
     *
     * @param transcriber its bundle must carry a localizer
     */
    public static Result softLabel(Transcriber transcriber, List<Path> photos, PrintWriter log) {
        requireLocalizer(transcriber);
        List<AnnotatedImage> labelled = new ArrayList<>();
        int[] empty = {0};
        List<String> unreadable = readWithoutBox(transcriber, photos, "soft-label", log, (file, t) -> {
            if (t.candidate().isEmpty()) {
                empty[0]++;
            } else {
                labelled.add(boxed(file, t.candidate(), t.box()).withTargets(SoftTargets.of(t.heads())));
            }
        });
        return new Result(labelled, photos.size() - unreadable.size(), empty[0], unreadable);
    }

    /** Reads each photo as a caller without a box is served and hands it its answer; returns the unreadable ones. */
    private static List<String> readWithoutBox(Transcriber transcriber, List<Path> photos, String what, PrintWriter log,
                                               java.util.function.BiConsumer<Path, Transcription> answered) {
        return inChunks(photos, Function.identity(), what, log, (chunk, images) -> {
            List<Transcription> answers = transcriber.transcribe(images, Collections.nCopies(images.size(), null));
            for (int i = 0; i < chunk.size(); i++) {
                answered.accept(chunk.get(i), answers.get(i));
            }
        });
    }

    /** One photo, every digit of {@code number} in {@code box}. */
    static AnnotatedImage boxed(Path file, String number, Box box) {
        List<DigitBox> digits = new ArrayList<>(number.length());
        // Absolute, so labels.csv finds the photo wherever its folder is (written relative to it).
        file = file.toAbsolutePath().normalize();
        for (char c : number.toCharArray()) {
            digits.add(new DigitBox(c - '0', box));
        }
        return new AnnotatedImage(file, digits);
    }

    private interface ChunkWork<T> {
        void accept(List<T> items, List<Mat> decoded);
    }

    /**
     * Decodes {@code items} a chunk at a time and hands each chunk's readable photos to {@code work};
     * a photo that cannot be decoded is skipped with a warning naming it.
     *
     * @return the files that could not be read
     */
    private static <T> List<String> inChunks(List<T> items, Function<T, Path> file, String task, PrintWriter log,
                                             ChunkWork<T> work) {
        List<String> unreadable = new ArrayList<>();
        try (ProgressBar bar = ProgressDisplay.start(task, items.size(), " photos")) {
            for (int from = 0; from < items.size(); from += CHUNK) {
                List<T> chunk = new ArrayList<>();
                List<Mat> decoded = new ArrayList<>();
                for (T item : items.subList(from, Math.min(items.size(), from + CHUNK))) {
                    try {
                        decoded.add(ImageDecoder.read(file.apply(item)));
                        chunk.add(item);
                    } catch (DataException e) {
                        unreadable.add(file.apply(item).toString());
                        log.println("warning: skipped " + file.apply(item) + ": " + e.getMessage());
                    }
                }
                try {
                    if (!chunk.isEmpty()) {
                        work.accept(chunk, decoded);
                    }
                } finally {
                    decoded.forEach(Mat::close);
                }
                bar.stepTo(Math.min(items.size(), from + CHUNK));
            }
        }
        log.flush();
        return unreadable;
    }
}
