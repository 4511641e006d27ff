package dev.streetnum.model;

import dev.streetnum.data.SequenceLabels;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

/**
 * A minibatch of numbers for the six heads, labelled by {@link SequenceLabels} as
 * {@code StreetNumberIterator} labels them. For tests, gradient checks and callers that already hold
 * preprocessed tensors.
 */
public final class SequenceBatch {

    private SequenceBatch() {
    }

    /** @param numbers one per row of {@code features}; "" for no digits; more than 5 digits is ">5" */
    public static MultiDataSet of(INDArray features, List<String> numbers) {
        int mb = numbers.size();
        if (features.size(0) != mb) {
            throw new IllegalArgumentException(
                    "features hold " + features.size(0) + " examples but " + mb + " numbers were given");
        }
        SequenceLabels.Rows rows = new SequenceLabels.Rows(mb);
        for (int e = 0; e < mb; e++) {
            rows.put(e, SequenceLikelihood.digits(numbers.get(e)));
        }
        return new MultiDataSet(new INDArray[] {features}, rows.labels(features.dataType()), null,
                rows.masks(features.dataType()));
    }
}
