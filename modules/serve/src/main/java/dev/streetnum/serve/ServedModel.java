package dev.streetnum.serve;

import dev.streetnum.data.Box;
import dev.streetnum.data.CropExpander;
import dev.streetnum.model.Transcriber;
import dev.streetnum.model.Transcription;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A bundle's {@link Transcriber} as the service runs it. Each photo is cut to its expanded, resized
 * crop (DESIGN section 3) on its request's thread, so the queue holds 64x64 crops instead of photos
 * (a 6000x6000 photo is 108 MB decoded) and the photo is released before the request waits. The
 * model then reads each crop as a whole image: resizing a crop to its own size is a copy, so the
 * answer is exactly the evaluator's for the photo and its box.
 */
public final class ServedModel implements BatchTranscriber {

    private final Transcriber transcriber;
    private final CropExpander expander;

    public ServedModel(Transcriber transcriber) {
        this.transcriber = transcriber;
        this.expander = new CropExpander(transcriber.bundle().metadata().preprocess());
    }

    @Override
    public List<Transcription> transcribe(List<Mat> images, List<Box> regions) {
        return transcriber.transcribe(images, regions);
    }

    /** @throws dev.streetnum.data.DataException when the box is absurd for the image */
    @Override
    public Queued prepare(Mat image, Box region) {
        return new Queued(expander.expandedCrop(image, region), null);
    }
}
