package dev.streetnum.batch;

import dev.streetnum.data.Box;
import dev.streetnum.data.DataException;
import dev.streetnum.data.ImageDecoder;
import dev.streetnum.model.Transcriber;
import dev.streetnum.model.Transcription;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.util.TaskCompletionListener;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Transcribes one partition of {@code (file, content, left, top, width, height)} rows in micro-batches
 * through the executor's network, lazily (a partition is never held whole in memory). An image that
 * cannot be decoded (not an image, truncated) becomes an error row, never a failed task; a batch the
 * network fails on is retried one image at a time, so one bad image never costs the others.
 */
public final class PartitionTranscriber implements MapPartitionsFunction<Row, Row> {

    private final ShippedModel model;
    private final int microBatch;

    public PartitionTranscriber(ShippedModel model, int microBatch) {
        this.model = model;
        this.microBatch = microBatch;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        return new Answers(input);
    }

    /** Pulls a micro-batch when the writer wants the next row; the network goes back when the input ends. */
    private final class Answers implements Iterator<Row> {
        private final Iterator<Row> input;
        private final ArrayDeque<Row> ready = new ArrayDeque<>();
        private Transcriber transcriber;

        Answers(Iterator<Row> input) {
            this.input = input;
            // A failed or killed task gives its network back too: the next task on this JVM reuses it.
            TaskContext task = TaskContext.get();
            if (task != null) {
                task.addTaskCompletionListener((TaskCompletionListener) context -> release());
            }
        }

        private synchronized void release() {
            if (transcriber != null) {
                ExecutorModels.giveBack(model, transcriber);
                transcriber = null;
            }
        }

        @Override
        public boolean hasNext() {
            while (ready.isEmpty() && input.hasNext()) {
                List<Row> batch = new ArrayList<>(microBatch);
                while (batch.size() < microBatch && input.hasNext()) {
                    batch.add(input.next());
                }
                ready.addAll(transcribe(batch));
            }
            if (ready.isEmpty()) {
                release();
            }
            return !ready.isEmpty();
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ready.poll();
        }

        private synchronized void borrow() {
            if (transcriber == null) {
                transcriber = ExecutorModels.borrow(model);
            }
        }

        private List<Row> transcribe(List<Row> batch) {
            Row[] out = new Row[batch.size()];
            List<Integer> decoded = new ArrayList<>(batch.size());
            List<Mat> images = new ArrayList<>(batch.size());
            List<Box> boxes = new ArrayList<>(batch.size());
            try {
                for (int i = 0; i < batch.size(); i++) {
                    Row row = batch.get(i);
                    String file = row.getAs("file");
                    try {
                        Box box = box(row);
                        images.add(ImageDecoder.decode(row.getAs("content"), box, file));
                        boxes.add(box);
                        decoded.add(i);
                    } catch (DataException e) {
                        out[i] = TranscriptionRows.error(file, e.getMessage(), model.modelId());
                    }
                }
                if (!images.isEmpty()) {
                    borrow();
                    List<Transcription> answers = answersOrOneByOne(images, boxes, batch, decoded, out);
                    for (int k = 0; k < decoded.size(); k++) {
                        int i = decoded.get(k);
                        if (answers.get(k) != null) {
                            out[i] = TranscriptionRows.answer(batch.get(i).getAs("file"), answers.get(k),
                                    model.threshold(), model.modelId());
                        }
                    }
                }
            } finally {
                for (Mat image : images) {
                    image.close();
                }
            }
            return List.of(out);
        }

        /** The batch's answers; when the network fails on the batch, each image alone (a failing one: an error row). */
        private List<Transcription> answersOrOneByOne(List<Mat> images, List<Box> boxes, List<Row> batch,
                                                      List<Integer> decoded, Row[] out) {
            try {
                return transcriber.transcribe(images, boxes);
            } catch (RuntimeException batchFailure) {
                List<Transcription> answers = new ArrayList<>(images.size());
                for (int k = 0; k < images.size(); k++) {
                    try {
                        answers.add(transcriber.transcribe(List.of(images.get(k)), java.util.Collections.singletonList(boxes.get(k))).get(0));
                    } catch (RuntimeException e) {
                        int i = decoded.get(k);
                        out[i] = TranscriptionRows.error(batch.get(i).getAs("file"),
                                "the model could not read this image: " + e.getMessage(), model.modelId());
                        answers.add(null);
                    }
                }
                return answers;
            }
        }
    }

    /** The row's box, or null when its box columns are null (no box: localizer or whole image). */
    private static Box box(Row row) {
        Integer left = row.getAs("left");
        if (left == null) {
            return null;
        }
        return new Box(left, row.<Integer>getAs("top"), row.<Integer>getAs("width"), row.<Integer>getAs("height"));
    }
}
