package dev.streetnum.onnx;

import dev.streetnum.data.AnnotatedImage;
import dev.streetnum.data.CropExpander;
import dev.streetnum.data.ImageDecoder;
import dev.streetnum.data.PreprocessConfig;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Annotated photos as the network's input: the evaluator's centre crops, normalised as the bundle says. */
final class CentreCrops {

    private CentreCrops() {
    }

    /** [images,3,54,54] float, each image cut around its digits' box. */
    static INDArray of(List<AnnotatedImage> images, PreprocessConfig preprocess) {
        CropExpander expander = new CropExpander(preprocess);
        int size = expander.inputSize();
        float[] input = new float[images.size() * size];
        for (int i = 0; i < images.size(); i++) {
            try (Mat photo = ImageDecoder.read(images.get(i).file())) {
                expander.preprocess(photo, images.get(i).region(), null, input, i * size);
            }
        }
        return Nd4j.create(input, new long[] {images.size(), preprocess.channels(), preprocess.crop(), preprocess.crop()});
    }
}
