package dev.streetnum.model;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One way to run a bundle's networks forward: normalised crops in, the six heads' probabilities out, and
 * the bundle's localizers beside them.
 * DL4J is one ({@link Dl4jEngine}); the onnx module adds ONNX Runtime, float and int8. An engine
 * carries its own thresholds because an int8 network's probabilities differ from the float one's, so
 * its 98% threshold is calibrated on its own outputs. Not thread-safe unless an implementation says
 * so: {@link Transcriber} and the service's micro-batcher call it from one thread.
 */
public interface InferenceEngine extends AutoCloseable {

    /** The id answers and reports name the model by. */
    String modelId();

    /** The operating points calibrated on this engine's outputs: what the service and transcribe refuse below. */
    Thresholds thresholds();

    /**
     * @param features [mb,3,54,54] float, normalised as the bundle says
     * @return softmax outputs in network order: length [mb,7], digit1..digit5 [mb,10]
     */
    INDArray[] output(INDArray features);

    /**
     * The bundle's localizers (none: a photo without a box is read whole), their networks run by this
     * engine or its runtime: what {@link Transcriber} finds boxes with.
     */
    List<Localizer> localizers();

    /** Frees native resources; the DL4J engine holds none of its own. */
    @Override
    default void close() {
    }
}
