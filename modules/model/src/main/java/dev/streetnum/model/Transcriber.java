package dev.streetnum.model;

import dev.streetnum.data.Box;
import dev.streetnum.data.CropExpander;
import dev.streetnum.data.PreprocessConfig;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A model predicts: images (with optional detector boxes) in, {@link Transcription}s out, through the
 * same {@code CropExpander} path the evaluator uses (centre crop, the bundle's PreprocessConfig). Not
 * thread-safe (DL4J networks are not): the service serialises calls through its micro-batcher.
 */
public final class Transcriber {

    private final ModelBundle bundle;
    private final CropExpander expander;

    public Transcriber(ModelBundle bundle) {
        this.bundle = bundle;
        this.expander = new CropExpander(bundle.metadata().preprocess());
    }

    public ModelBundle bundle() {
        return bundle;
    }

    /** @param regions one per image; a null entry means the whole image is the region */
    public List<Transcription> transcribe(List<Mat> images, List<Box> regions) {
        if (regions != null && regions.size() != images.size()) {
            throw new IllegalArgumentException(
                    "give one region per image (or none): " + images.size() + " images, " + regions.size() + " regions");
        }
        if (images.isEmpty()) {
            return List.of();
        }
        PreprocessConfig config = expander.config();
        int size = expander.inputSize();
        float[] input = new float[images.size() * size];
        for (int i = 0; i < images.size(); i++) {
            expander.preprocess(images.get(i), regions == null ? null : regions.get(i), null, input, i * size);
        }
        try (INDArray features = Nd4j.create(input,
                new long[] {images.size(), config.channels(), config.crop(), config.crop()})) {
            return transcribe(features);
        }
    }

    /** Transcribes already-preprocessed input [mb,3,54,54]. */
    public List<Transcription> transcribe(INDArray features) {
        PreprocessConfig config = expander.config();
        if (features.rank() != 4 || features.size(1) != config.channels()
                || features.size(2) != config.crop() || features.size(3) != config.crop()) {
            throw new IllegalArgumentException("the network takes [mb," + config.channels() + "," + config.crop()
                    + "," + config.crop() + "] input, got " + java.util.Arrays.toString(features.shape()));
        }
        boolean cast = features.dataType() != bundle.network().params().dataType();
        INDArray input = cast ? features.castTo(bundle.network().params().dataType()) : features;
        INDArray[] outputs = bundle.network().output(false, input);
        try {
            return SequenceDecoder.decode(outputs);
        } finally {
            // Off-heap buffers go back now, not when a garbage collection finds them (a service's
            // batches would otherwise pile up native memory between collections).
            for (INDArray output : outputs) {
                if (output.closeable()) {
                    output.close();
                }
            }
            if (cast && input.closeable()) {
                input.close();
            }
        }
    }
}
