package dev.streetnum.model;

import dev.streetnum.data.Box;
import dev.streetnum.data.CropExpander;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A localizer finds the house number on a whole photo: the predicted union box of its digits (issue 14).
 * The photo is stretched to the network's input ({@link LocalizerInput}: the same resize and per-image
 * normalisation the transcriber's input gets, no expansion, no crop), and the network's four outputs are
 * read with {@link BoxEncoding}. With a refine window in its metadata, the first box is then grown about
 * its centre, cut from the photo (edges replicated where it leaves the photo) and localized again: at
 * 64x64 a whole photo gives a number few pixels, and the localizer trains on windows that hold the
 * whole number, so a window around its first guess is a view it knows, seen closer. The network runs
 * on DL4J unless {@link #runningOn} gives it another {@link LocalizerEngine} (the service's ONNX Runtime).
 * Not thread-safe (DL4J networks are not).
 */
public final class Localizer {

    private final ComputationGraph network;
    private final LocalizerMetadata metadata;
    private final LocalizerInput input;
    private final LocalizerEngine engine;

    public Localizer(ComputationGraph network, LocalizerMetadata metadata) {
        this(network, metadata, photos -> network.outputSingle(false, photos));
    }

    private Localizer(ComputationGraph network, LocalizerMetadata metadata, LocalizerEngine engine) {
        if (network == null || metadata == null) {
            throw new IllegalArgumentException("a localizer needs a network and its metadata");
        }
        this.network = network;
        this.metadata = metadata;
        this.input = metadata.input();
        this.engine = engine;
    }

    public ComputationGraph network() {
        return network;
    }

    public LocalizerMetadata metadata() {
        return metadata;
    }

    /** The same network with other metadata. */
    public Localizer withMetadata(LocalizerMetadata newMetadata) {
        return new Localizer(network, newMetadata, engine);
    }

    /**
     * The same localizer with its network run by {@code other}, which must compute this network (the
     * bundle still stores {@link #network()}); the caller closes {@code other}.
     */
    public Localizer runningOn(LocalizerEngine other) {
        return new Localizer(network, metadata, other);
    }

    /** One predicted box per photo, in that photo's pixels. */
    public List<Box> localize(List<Mat> photos) {
        List<Box> first = pass(photos);
        double window = metadata.refineWindow();
        if (window == 0 || photos.isEmpty()) {
            return first;
        }
        List<Box> windows = new ArrayList<>(photos.size());
        List<Mat> views = new ArrayList<>(photos.size());
        try {
            for (int i = 0; i < photos.size(); i++) {
                windows.add(first.get(i).scaled(window));
                views.add(CropExpander.cutReplicating(photos.get(i), windows.get(i)));
            }
            List<Box> second = pass(views);
            List<Box> refined = new ArrayList<>(photos.size());
            for (int i = 0; i < photos.size(); i++) {
                Box w = windows.get(i);
                Box s = second.get(i);
                Box inPhoto = new Box(w.left() + s.left(), w.top() + s.top(), s.width(), s.height())
                        .visibleIn(photos.get(i).cols(), photos.get(i).rows());
                // A second box wholly in the replicated border names nothing in the photo: keep the first.
                refined.add(inPhoto == null ? first.get(i) : inPhoto);
            }
            return refined;
        } finally {
            views.forEach(Mat::close);
        }
    }

    /** One pass of the network: each image stretched whole to its input, a box in that image's pixels. */
    private List<Box> pass(List<Mat> photos) {
        if (photos.isEmpty()) {
            return List.of();
        }
        int size = input.size();
        float[] pixels = new float[photos.size() * size];
        for (int i = 0; i < photos.size(); i++) {
            input.write(photos.get(i), pixels, i * size);
        }
        INDArray out = engine.output(Nd4j.create(pixels, new long[] {photos.size(), 3, input.height(), input.width()}));
        List<Box> boxes = new ArrayList<>(photos.size());
        for (int i = 0; i < photos.size(); i++) {
            Mat photo = photos.get(i);
            boxes.add(BoxEncoding.decode(out.getDouble(i, 0), out.getDouble(i, 1), out.getDouble(i, 2),
                    out.getDouble(i, 3), photo.cols(), photo.rows()));
        }
        return boxes;
    }
}
