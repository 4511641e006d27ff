package dev.streetnum.serve;

import static dev.streetnum.serve.TranscriptionFailure.Kind.BAD_IMAGE;
import static dev.streetnum.serve.TranscriptionFailure.Kind.BUSY;
import static dev.streetnum.serve.TranscriptionFailure.Kind.MODEL_FAILED;
import static dev.streetnum.serve.TranscriptionFailure.Kind.TOO_LARGE;

import dev.streetnum.data.Box;
import dev.streetnum.data.CropExpander;
import dev.streetnum.data.DataException;
import dev.streetnum.data.PreprocessConfig;
import dev.streetnum.model.AcceptanceThreshold;
import dev.streetnum.model.Transcription;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The service's path from encoded images to thresholded answers: check each header, decode and
 * reduce each image to its region on the caller's thread (releasing the photo at once), queue that
 * for the model's {@link MicroBatcher}, wait (bounded) and judge each answer against the threshold.
 * It knows no HTTP: it fails with a {@link TranscriptionFailure}, which the HTTP layer maps to a status.
 */
public final class TranscriptionEngine implements AutoCloseable {

    private final ServeConfig config;
    private final CropExpander expander;
    private final BatchTranscriber model;
    private final MicroBatcher batcher;
    /**
     * Per path, as the thresholds divide answers ({@link AcceptanceThreshold#isCallersBox}): a caller's box,
     * or none; each is calibrated apart, so each is watched apart.
     */
    private final Counter refusalsWithBox;
    private final Counter refusalsWithoutBox;
    private final DistributionSummary confidenceWithBox;
    private final DistributionSummary confidenceWithoutBox;

    /** The metrics' tag for the path an answer was read on. */
    static final String PATH_TAG = "path";
    static final String WITH_BOX = "box";
    static final String WITHOUT_BOX = "no-box";

    /** @param preprocess the model's preprocessing (its bundle's), used to explain answers */
    public TranscriptionEngine(BatchTranscriber model, ServeConfig config, PreprocessConfig preprocess,
            MeterRegistry registry) {
        this.config = config;
        this.expander = new CropExpander(preprocess);
        this.model = model;
        this.batcher = new MicroBatcher(model, config, registry);
        this.refusalsWithBox = refusals(registry, WITH_BOX);
        this.refusalsWithoutBox = refusals(registry, WITHOUT_BOX);
        this.confidenceWithBox = confidence(registry, WITH_BOX);
        this.confidenceWithoutBox = confidence(registry, WITHOUT_BOX);
    }

    private static Counter refusals(MeterRegistry registry, String path) {
        return Counter.builder("streetnum.refusals")
                .description("answers refused because P(S|x) was below the path's threshold or the number too long")
                .tag(PATH_TAG, path).register(registry);
    }

    private static DistributionSummary confidence(MeterRegistry registry, String path) {
        // Count, sum and max only: Micrometer rounds a summary's values to whole numbers before bucketing
        // (micrometer issue 3680), so buckets below 1 would stay empty; the mean (sum / count) shows a drift.
        return DistributionSummary.builder("streetnum.confidence")
                .description("P(S|x) of every answer's candidate, accepted or refused: its count is the answers"
                        + " given on the path, and its mean (sum / count) moves when the photos sent change")
                .tag(PATH_TAG, path).register(registry);
    }

    public ServeConfig config() {
        return config;
    }

    /** Whether new work is accepted. */
    public boolean ready() {
        return batcher.ready();
    }

    /**
     * Transcribes the images together: all are answered or the call fails as a whole.
     *
     * @throws TranscriptionFailure naming the bad image, more images than the queue holds, a full queue
     *                             or a late answer, or a model failure
     */
    public List<TranscriptionAnswer> transcribe(List<EncodedImage> images) {
        return run(images, null).stream().map(Judged::answer).toList();
    }

    /**
     * Transcribes one image and says why: the crop the model read, every head's probabilities, the
     * regions. The image is decoded once; a copy of its pixels is kept for the explanation.
     *
     * @throws TranscriptionFailure as {@link #transcribe}
     */
    public ExplainedAnswer explain(EncodedImage image) {
        List<Mat> kept = new ArrayList<>(1);
        try {
            Judged judged = run(List.of(image), kept).get(0);
            Transcription t = judged.transcription();
            // Explain the region the model read: the caller's box, or the localizer's when it found one.
            Box read = image.region() != null ? image.region()
                    : t.boxSource() == dev.streetnum.model.BoxSource.LOCALIZED ? t.box() : null;
            return new ExplainedAnswer(judged.answer(), Explanation.of(kept.get(0), read, expander, t));
        } finally {
            kept.forEach(Mat::close);
        }
    }

    /** The model's transcription and the answer judged from it. */
    private record Judged(Transcription transcription, TranscriptionAnswer answer) {
    }

    /** @param keep when not null, receives a copy of each decoded image (the caller closes them) */
    private List<Judged> run(List<EncodedImage> images, List<Mat> keep) {
        if (images.size() > config.queueCapacity()) {
            // Such a call could never be queued whole, however idle the service.
            throw new TranscriptionFailure(TOO_LARGE, images.size() + " images in one call, but the queue holds "
                    + config.queueCapacity() + " images: send at most that many per call");
        }
        long start = System.nanoTime();
        List<CompletableFuture<Transcription>> pending = new ArrayList<>(images.size());
        try {
            for (EncodedImage image : images) {
                BatchTranscriber.Queued queued = prepare(image, keep);
                pending.add(batcher.submit(queued));
            }
            long deadline = start + TimeUnit.MILLISECONDS.toNanos(config.requestTimeoutMs());
            List<Judged> judged = new ArrayList<>(images.size());
            for (int i = 0; i < pending.size(); i++) {
                Transcription t = await(pending.get(i), deadline, images.get(i).source());
                double elapsedMs = (System.nanoTime() - start) / 1e6;
                TranscriptionAnswer answer = TranscriptionAnswer.of(t, config.threshold(), config.modelId(), elapsedMs);
                boolean withBox = AcceptanceThreshold.isCallersBox(t.boxSource());
                (withBox ? confidenceWithBox : confidenceWithoutBox).record(answer.confidence());
                if (!answer.accepted()) {
                    (withBox ? refusalsWithBox : refusalsWithoutBox).increment();
                }
                judged.add(new Judged(t, answer));
            }
            return judged;
        } finally {
            // A failure part-way leaves the rest queued: cancelled jobs are skipped by the worker.
            pending.forEach(p -> p.cancel(false));
        }
    }

    /**
     * Decodes one image and reduces it to what the model needs; the photo's memory is released here.
     *
     * @param keep when not null, receives a copy of the decoded photo (the caller closes it)
     */
    private BatchTranscriber.Queued prepare(EncodedImage image, List<Mat> keep) {
        Mat decoded = image.decode(config.maxPixels());
        BatchTranscriber.Queued queued = null;
        try {
            if (keep != null) {
                keep.add(decoded.clone());
            }
            queued = model.prepare(decoded, image.region());
            return queued;
        } catch (DataException e) {
            throw new TranscriptionFailure(BAD_IMAGE, image.source() + ": " + e.getMessage());
        } finally {
            if (queued == null || queued.pixels() != decoded) {
                decoded.close();
            }
        }
    }

    private Transcription await(CompletableFuture<Transcription> answer, long deadline, String source) {
        try {
            return answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | CancellationException e) {
            throw new TranscriptionFailure(BUSY, source + " was not answered within " + config.requestTimeoutMs()
                    + " ms: the service is overloaded; retry shortly");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TranscriptionFailure(BUSY, "the service is shutting down");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TranscriptionFailure failure) {
                throw failure;
            }
            if (e.getCause() instanceof DataException bad) {
                // A model without prepare() met the bad region inside its batch (which the batcher isolated).
                throw new TranscriptionFailure(BAD_IMAGE, source + ": " + bad.getMessage());
            }
            // The batcher has logged the model's failure once, with its stack trace.
            throw new TranscriptionFailure(MODEL_FAILED, "the model failed to transcribe " + source);
        }
    }

    /** Answers what is queued, then stops the model's worker. */
    @Override
    public void close() {
        batcher.close();
    }
}
