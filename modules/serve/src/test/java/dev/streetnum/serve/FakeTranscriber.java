package dev.streetnum.serve;

import dev.streetnum.data.Box;
import dev.streetnum.model.Transcription;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * A stand-in model whose answer can be predicted from the image: the candidate is the image's width
 * in pixels, confident (0.9) for even widths and unsure (0.3) for odd ones. It records every batch
 * and region it sees, can be held (to fill the queue) and can fail.
 */
final class FakeTranscriber implements BatchTranscriber {

    static final double CONFIDENT = 0.9;
    static final double UNSURE = 0.3;

    final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    final List<Box> regions = new CopyOnWriteArrayList<>();
    /** Counted down when a batch enters {@link #transcribe}. */
    volatile CountDownLatch entered = new CountDownLatch(1);
    /** When set, each batch waits for it: tests hold the worker to fill the queue. */
    volatile CountDownLatch hold;
    volatile long sleepMs;
    volatile RuntimeException failure;

    @Override
    public List<Transcription> transcribe(List<Queued> images) {
        batchSizes.add(images.size());
        this.regions.addAll(images.stream().map(q -> q.callerBox() == null ? NO_REGION : q.callerBox()).toList());
        entered.countDown();
        try {
            if (hold != null) {
                hold.await();
            }
            if (sleepMs > 0) {
                Thread.sleep(sleepMs);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw failure;
        }
        List<Transcription> answers = new ArrayList<>(images.size());
        for (Queued image : images) {
            answers.add(expected(image.pixels().cols()));
        }
        return answers;
    }

    /** Marks "no region given" in {@link #regions} (a list cannot hold null here). */
    static final Box NO_REGION = new Box(0, 0, 1, 1);

    /** The transcription this fake gives an image of the given width. */
    static Transcription expected(int width) {
        String text = Integer.toString(width);
        double confidence = width % 2 == 0 ? CONFIDENT : UNSURE;
        double[] length = new double[7];
        length[text.length()] = 1;
        double[][] digits = new double[5][10];
        for (int i = 0; i < text.length(); i++) {
            digits[i][text.charAt(i) - '0'] = Math.pow(confidence, 1.0 / text.length());
        }
        return new Transcription(text, true, confidence, Math.log(confidence), confidence, length, digits,
                List.of(new Transcription.Alternative(text + "1", confidence / 10)), null, null);
    }
}
