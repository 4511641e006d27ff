package dev.streetnum.serve;

import dev.streetnum.data.Box;
import dev.streetnum.model.Transcription;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * What the micro-batcher needs from a model: images (with optional detector boxes) in, one
 * {@link Transcription} per image out, in order. The model module's {@code Transcriber::transcribe}
 * is one; tests use fakes. Called from one thread only, so it need not be thread-safe.
 */
@FunctionalInterface
public interface BatchTranscriber {

    /** @param regions one per image; a null entry means the whole image is the region */
    List<Transcription> transcribe(List<Mat> images, List<Box> regions);
}
