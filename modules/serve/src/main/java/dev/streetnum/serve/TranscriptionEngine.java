package dev.streetnum.serve;

import dev.streetnum.model.Transcription;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one path from encoded images to thresholded answers, shared by the HTTP service and
 * {@code streetnum transcribe}: check each header, decode on the caller's thread, queue the pixels
 * for the model's {@link MicroBatcher}, wait (bounded) and judge each answer against the threshold.
 */
public final class TranscriptionEngine implements AutoCloseable {

    private final ServeConfig config;
    private final MicroBatcher batcher;
    private final Counter refusals;

    public TranscriptionEngine(BatchTranscriber model, ServeConfig config, MeterRegistry registry) {
        this.config = config;
        this.batcher = new MicroBatcher(model, config, registry);
        this.refusals = Counter.builder("streetnum.refusals")
                .description("answers refused because P(S|x) was below the threshold or the number too long")
                .register(registry);
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
     * @throws ServiceError 400/413 naming the bad image, 503 when the queue is full or the answer late
     */
    public List<TranscriptionAnswer> transcribe(List<EncodedImage> images) {
        long start = System.nanoTime();
        List<CompletableFuture<Transcription>> pending = new ArrayList<>(images.size());
        try {
            for (EncodedImage image : images) {
                pending.add(batcher.submit(image.decode(config.maxPixels()), image.region()));
            }
            long deadline = start + TimeUnit.MILLISECONDS.toNanos(config.requestTimeoutMs());
            List<TranscriptionAnswer> answers = new ArrayList<>(images.size());
            for (int i = 0; i < pending.size(); i++) {
                Transcription t = await(pending.get(i), deadline, images.get(i).source());
                double elapsedMs = (System.nanoTime() - start) / 1e6;
                TranscriptionAnswer answer = TranscriptionAnswer.of(t, config.threshold(), config.modelId(), elapsedMs);
                if (!answer.accepted()) {
                    refusals.increment();
                }
                answers.add(answer);
            }
            return answers;
        } finally {
            // A failure part-way leaves the rest queued: cancelled jobs are skipped by the worker.
            pending.forEach(p -> p.cancel(false));
        }
    }

    private Transcription await(CompletableFuture<Transcription> answer, long deadline, String source) {
        try {
            return answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | CancellationException e) {
            throw ServiceError.unavailable(source + " was not answered within " + config.requestTimeoutMs()
                    + " ms: the service is overloaded; retry shortly");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ServiceError.unavailable("the service is shutting down");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ServiceError error) {
                throw error;
            }
            // The batcher has logged the model's failure once, with its stack trace.
            throw new ServiceError(ServiceError.INTERNAL, "the model failed to transcribe " + source);
        }
    }

    /** Answers what is queued, then stops the model's worker. */
    @Override
    public void close() {
        batcher.close();
    }
}
