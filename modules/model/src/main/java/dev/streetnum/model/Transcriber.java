package dev.streetnum.model;

import dev.streetnum.data.Box;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A model predicts: images (with optional detector boxes) in, {@link Transcription}s out, through the
 * same {@code CropExpander} path the evaluator uses. Not thread-safe (DL4J networks are not): the
 * service serialises calls through its micro-batcher. TODO(issue 4): implement.
 */
public final class Transcriber {

    private final ModelBundle bundle;

    public Transcriber(ModelBundle bundle) {
        this.bundle = bundle;
    }

    public ModelBundle bundle() {
        return bundle;
    }

    /** @param regions one per image; a null entry means the whole image is the region */
    public List<Transcription> transcribe(List<Mat> images, List<Box> regions) {
        throw new UnsupportedOperationException("issue 4");
    }

    /** Transcribes already-preprocessed input [mb,3,54,54]. */
    public List<Transcription> transcribe(INDArray features) {
        throw new UnsupportedOperationException("issue 4");
    }
}
