package dev.streetnum.serve;

import static dev.streetnum.serve.TranscriptionFailure.Kind.BUSY;

import dev.streetnum.data.DataException;
import dev.streetnum.model.Transcription;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serialises concurrent requests through one model: DL4J networks are not thread-safe, and one
 * forward pass over a batch is much cheaper than one per image. One worker thread owns the
 * {@link BatchTranscriber}; callers {@link #submit} images to a bounded queue and the worker takes
 * up to {@code maxBatch} of them, waiting at most {@code maxDelayMs} after the first for company.
 *
 * <p>A batch the model fails on is answered one image at a time, so that one bad image (a region the
 * model cannot read, an input it chokes on) gets its own error and the others their answers, as if it
 * had never come. The batcher owns submitted images and releases their native memory once answered.
 */
public final class MicroBatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MicroBatcher.class);
    /** How often an idle worker wakes to notice {@link #close}. */
    private static final long IDLE_POLL_MS = 50;

    /** A queued image, carrying all the model needs to read it, and the future its answer completes. */
    private record Job(BatchTranscriber.Queued image, CompletableFuture<Transcription> answer) {
    }

    private final BatchTranscriber model;
    private final int maxBatch;
    private final long maxDelayNanos;
    private final BlockingQueue<Job> queue;
    private final AtomicBoolean accepting = new AtomicBoolean(true);
    private final Thread worker;
    private final DistributionSummary batchSizes;
    private final Counter rejections;

    public MicroBatcher(BatchTranscriber model, ServeConfig config, MeterRegistry registry) {
        this.model = model;
        this.maxBatch = config.maxBatch();
        this.maxDelayNanos = TimeUnit.MILLISECONDS.toNanos(config.maxDelayMs());
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        this.batchSizes = DistributionSummary.builder("streetnum.batch.size")
                .description("images per forward pass of the model")
                .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128)
                .register(registry);
        this.rejections = Counter.builder("streetnum.queue.rejections")
                .description("images refused (503 over HTTP) because the queue was full or closing")
                .register(registry);
        Gauge.builder("streetnum.queue.depth", queue, BlockingQueue::size)
                .description("images waiting for the model")
                .register(registry);
        this.worker = new Thread(this::run, "streetnum-model-worker");
        this.worker.setDaemon(true);
        this.worker.start();
    }

    /**
     * Queues one image (the batcher owns it from here); the future completes with its transcription,
     * or exceptionally when the model fails. Cancelling the future (a timed-out request) makes the
     * worker skip it.
     *
     * @throws TranscriptionFailure busy when the queue is full or the batcher is closing
     */
    public CompletableFuture<Transcription> submit(BatchTranscriber.Queued image) {
        CompletableFuture<Transcription> answer = new CompletableFuture<>();
        if (!accepting.get() || !queue.offer(new Job(image, answer))) {
            image.pixels().close();
            rejections.increment();
            throw new TranscriptionFailure(BUSY, accepting.get()
                    ? "the service is busy: " + queue.size() + " images are already waiting; retry shortly"
                    : "the service is shutting down");
        }
        return answer;
    }

    /** Whether new images are accepted (false once closing). */
    public boolean ready() {
        return accepting.get() && worker.isAlive();
    }

    /** Stops accepting, answers everything already queued, then stops the worker. */
    @Override
    public void close() {
        accepting.set(false);
        try {
            worker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        List<Job> batch = new ArrayList<>(maxBatch);
        try {
            while (accepting.get() || !queue.isEmpty()) {
                Job first = queue.poll(IDLE_POLL_MS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long deadline = System.nanoTime() + maxDelayNanos;
                while (batch.size() < maxBatch) {
                    long left = deadline - System.nanoTime();
                    Job next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                transcribe(batch);
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            failAll(batch, "the service stopped before this image was transcribed");
            List<Job> left = new ArrayList<>();
            queue.drainTo(left);
            failAll(left, "the service stopped before this image was transcribed");
        }
    }

    private void transcribe(List<Job> batch) {
        List<Job> live = new ArrayList<>(batch.size());
        for (Job job : batch) {
            if (job.answer().isDone()) {
                job.image().pixels().close(); // its request timed out and gave up
            } else {
                live.add(job);
            }
        }
        if (live.isEmpty()) {
            return;
        }
        List<BatchTranscriber.Queued> images = new ArrayList<>(live.size());
        for (Job job : live) {
            images.add(job.image());
        }
        batchSizes.record(live.size());
        try {
            List<Transcription> answers = model.transcribe(images);
            if (answers.size() != live.size()) {
                throw new IllegalStateException("the model answered " + answers.size() + " transcriptions for "
                        + live.size() + " images");
            }
            for (int i = 0; i < live.size(); i++) {
                live.get(i).answer().complete(answers.get(i));
            }
        } catch (RuntimeException e) {
            if (live.size() == 1) {
                fail(live.get(0), e);
            } else {
                LOG.warn("the model failed on a batch of {} images ({}); answering them one at a time", live.size(),
                        e.toString());
                live.forEach(this::transcribeAlone);
            }
        } finally {
            images.forEach(image -> image.pixels().close());
        }
    }

    private void transcribeAlone(Job job) {
        try {
            List<Transcription> answer = model.transcribe(List.of(job.image()));
            if (answer.size() != 1) {
                throw new IllegalStateException("the model answered " + answer.size() + " transcriptions for 1 image");
            }
            job.answer().complete(answer.get(0));
        } catch (RuntimeException e) {
            fail(job, e);
        }
    }

    /** A bad region is the client's error (no log); anything else is the model's, logged once here. */
    private static void fail(Job job, RuntimeException e) {
        if (!(e instanceof DataException)) {
            LOG.error("the model failed on an image", e);
        }
        job.answer().completeExceptionally(e);
    }

    private static void failAll(List<Job> jobs, String why) {
        for (Job job : jobs) {
            job.answer().completeExceptionally(new TranscriptionFailure(BUSY, why));
            job.image().pixels().close();
        }
        jobs.clear();
    }
}
