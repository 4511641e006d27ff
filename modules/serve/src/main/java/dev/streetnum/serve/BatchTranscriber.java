package dev.streetnum.serve;

import dev.streetnum.data.Box;
import dev.streetnum.model.Transcription;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * What the micro-batcher needs from a model: images (with optional detector boxes) in, one
 * {@link Transcription} per image out, in order. {@link ServedModel} is the bundle's; tests use fakes.
 * {@link #transcribe} is called from one thread only, so it need not be thread-safe.
 */
@FunctionalInterface
public interface BatchTranscriber {

    /** @param regions one per image; a null entry means the whole image is the region */
    List<Transcription> transcribe(List<Mat> images, List<Box> regions);

    /** An image as it waits for the model: its pixels and the region to read (null: all of them). */
    record Queued(Mat pixels, Box region) {
    }

    /**
     * Reduces a decoded image to what {@link #transcribe} needs of its region, on the request's own
     * thread (so may be called concurrently): the queue then holds that instead of the photo, and a
     * failure here is that request's alone. The default keeps the image whole.
     *
     * @return the pixels to queue; when they are not {@code image}, the caller closes {@code image}
     */
    default Queued prepare(Mat image, Box region) {
        return new Queued(image, region);
    }
}
