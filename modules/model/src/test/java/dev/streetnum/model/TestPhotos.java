package dev.streetnum.model;

import dev.streetnum.data.Box;
import dev.streetnum.data.DigitBox;
import dev.streetnum.data.LengthMix;
import dev.streetnum.data.StreetNumberGenerator;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Shared by the reading tests: a few generated photos with their numbers' union boxes, the last photo
 * without a box (read whole), deterministic per seed.
 */
record TestPhotos(List<Mat> photos, List<Box> boxes) implements AutoCloseable {

    static TestPhotos generated(long seed, int count) {
        StreetNumberGenerator generator = new StreetNumberGenerator(LengthMix.SVHN);
        List<Mat> photos = new ArrayList<>();
        List<Box> boxes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            var example = generator.generate(seed, i);
            photos.add(example.image());
            Box union = example.digits().stream().map(DigitBox::box).reduce(Box::union).orElseThrow();
            boxes.add(i == count - 1 ? null : union);
        }
        return new TestPhotos(photos, boxes);
    }

    /** Every photo read by the transcriber with its box. */
    List<Transcription> readBy(Transcriber transcriber) {
        return transcriber.transcribe(photos, boxes);
    }

    Mat photo(int i) {
        return photos.get(i);
    }

    Box box(int i) {
        return boxes.get(i);
    }

    int size() {
        return photos.size();
    }

    @Override
    public void close() {
        photos.forEach(Mat::close);
    }
}
