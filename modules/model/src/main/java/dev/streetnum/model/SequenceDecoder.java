package dev.streetnum.model;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Exact O(N) MAP decoding of the six heads (DESIGN section 4). TODO(issue 4): implement.
 */
public final class SequenceDecoder {

    private SequenceDecoder() {
    }

    /**
     * @param headProbabilities softmax outputs in network order: length [mb,7], digit1..digit5 [mb,10]
     */
    public static List<Transcription> decode(INDArray[] headProbabilities) {
        throw new UnsupportedOperationException("issue 4");
    }
}
