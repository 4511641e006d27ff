package dev.streetnum.serve;

import dev.streetnum.data.Box;
import dev.streetnum.model.Transcription;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * What the micro-batcher needs from a model: queued images in, one {@link Transcription} per image
 * out, in order. {@link ServedModel} is the bundle's; tests use fakes. {@link #transcribe} is called
 * from one thread only, so it need not be thread-safe.
 */
@FunctionalInterface
public interface BatchTranscriber {

    /**
     * An image as it waits for the model, carrying everything the model needs to read it: the queue
     * is the only place it is kept, so nothing is looked up by identity later.
     */
    sealed interface Queued permits PreparedCrop, WholePhoto {
        /** The pixels the queue holds (and the batcher releases once answered). */
        Mat pixels();

        /** The caller's box, or null when the caller gave none. */
        Box callerBox();
    }

    /**
     * The expanded crop already cut for the caller's box ({@code CropExpander.expandedCrop}): read
     * whole, never localized, and answered as read from {@code callerBox}.
     */
    record PreparedCrop(Mat pixels, Box callerBox) implements Queued {
        public PreparedCrop {
            if (pixels == null || callerBox == null) {
                throw new IllegalArgumentException("a prepared crop needs its pixels and the caller's box it was cut for");
            }
        }
    }

    /**
     * A photo as decoded: read at {@code callerBox}, or, without one, wherever the localizer finds the
     * number (the whole photo for a bundle without a localizer).
     */
    record WholePhoto(Mat pixels, Box callerBox) implements Queued {
        public WholePhoto {
            if (pixels == null) {
                throw new IllegalArgumentException("a queued photo needs its pixels");
            }
        }
    }

    List<Transcription> transcribe(List<Queued> images);

    /**
     * Reduces a decoded image to what {@link #transcribe} needs of it, on the request's own thread (so
     * may be called concurrently): the queue then holds that instead of the photo, and a failure here
     * is that request's alone. The default keeps the photo whole.
     *
     * @param region the caller's box, or null
     * @return what to queue; when its pixels are not {@code image}, the caller closes {@code image}
     * @throws dev.streetnum.data.DataException when the box is absurd for the image
     */
    default Queued prepare(Mat image, Box region) {
        return new WholePhoto(image, region);
    }
}
