package dev.streetnum.serve;

import dev.streetnum.data.Box;
import dev.streetnum.data.CropExpander;
import dev.streetnum.model.Transcriber;
import dev.streetnum.model.Transcription;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A bundle's {@link Transcriber} as the service runs it. Each photo with a box is cut to its
 * expanded, resized crop (DESIGN section 3) on its request's thread, so the queue holds 64x64 crops
 * instead of photos (a 6000x6000 photo is 108 MB decoded) and the photo is released before the
 * request waits. The model then reads each crop as a whole image ({@link Transcriber#transcribeCrops}):
 * resizing a crop to its own size is a copy, so the answer is exactly the evaluator's for the photo
 * and its box. A photo without a box is queued whole for the localizer's two passes.
 */
public final class ServedModel implements BatchTranscriber {

    private final Transcriber transcriber;
    private final CropExpander expander;

    public ServedModel(Transcriber transcriber) {
        this.transcriber = transcriber;
        this.expander = new CropExpander(transcriber.bundle().metadata().preprocess());
    }

    /** Prepared crops and whole photos, in order: each kind in one pass of the model. */
    @Override
    public List<Transcription> transcribe(List<Queued> images) {
        List<Integer> cropAt = new ArrayList<>();
        List<Mat> crops = new ArrayList<>();
        List<Box> cropBoxes = new ArrayList<>();
        List<Integer> photoAt = new ArrayList<>();
        List<Mat> photos = new ArrayList<>();
        List<Box> photoRegions = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            Queued image = images.get(i);
            if (image instanceof PreparedCrop crop) {
                cropAt.add(i);
                crops.add(crop.pixels());
                cropBoxes.add(crop.callerBox());
            } else {
                photoAt.add(i);
                photos.add(image.pixels());
                photoRegions.add(image.callerBox());
            }
        }
        Transcription[] answers = new Transcription[images.size()];
        List<Transcription> fromCrops = transcriber.transcribeCrops(crops, cropBoxes);
        for (int k = 0; k < cropAt.size(); k++) {
            answers[cropAt.get(k)] = fromCrops.get(k);
        }
        List<Transcription> fromPhotos = transcriber.transcribe(photos, photoRegions);
        for (int k = 0; k < photoAt.size(); k++) {
            answers[photoAt.get(k)] = fromPhotos.get(k);
        }
        return Arrays.asList(answers);
    }

    /**
     * With a box: the expanded crop, carrying the box (the queue then holds 64x64 crops, not photos).
     * Without one the photo stays whole: the localizer (or the whole-image rule) reads all of it.
     *
     * @throws dev.streetnum.data.DataException when the box is absurd for the image
     */
    @Override
    public Queued prepare(Mat image, Box region) {
        if (region == null) {
            return new WholePhoto(image, null);
        }
        return new PreparedCrop(expander.expandedCrop(image, region), region);
    }
}
