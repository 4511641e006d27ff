package dev.streetnum.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One way to run a localizer's network forward: photos stretched and normalised to its
 * {@link LocalizerInput} in, the four {@link BoxEncoding} values per photo out. The localizer's own DL4J
 * network is one (what {@link Localizer} runs unless told otherwise); the onnx module adds ONNX Runtime,
 * which a photo without a box then costs far less on. Not thread-safe unless an implementation says so.
 */
public interface LocalizerEngine extends AutoCloseable {

    /**
     * @param photos [mb,3,height,width] float, as {@link LocalizerInput#write} writes them
     * @return [mb,4] the encoded boxes
     */
    INDArray output(INDArray photos);

    /** Frees native resources; the DL4J network holds none of its own. */
    @Override
    default void close() {
    }
}
