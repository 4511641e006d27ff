package dev.streetnum.model;

import dev.streetnum.data.SequenceLabels;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Labels numbers for the six heads the way {@code StreetNumberIterator} does: length one-hot [mb,7]
 * (">5" last), digit one-hots [mb,10], label masks [mb,1] that are 0 on digit heads past the length.
 * For tests, gradient checks and callers that already hold preprocessed tensors.
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
        INDArray[] labels = new INDArray[SequenceLabels.HEADS];
        INDArray[] masks = new INDArray[SequenceLabels.HEADS];
        labels[0] = Nd4j.zeros(features.dataType(), mb, SequenceLabels.LENGTH_CLASSES);
        masks[0] = Nd4j.ones(features.dataType(), mb, 1);
        for (int h = 1; h < SequenceLabels.HEADS; h++) {
            labels[h] = Nd4j.zeros(features.dataType(), mb, SequenceLabels.DIGIT_CLASSES);
            masks[h] = Nd4j.zeros(features.dataType(), mb, 1);
        }
        for (int e = 0; e < mb; e++) {
            int[] digits = SequenceLikelihood.digits(numbers.get(e));
            labels[0].putScalar(e, SequenceLabels.lengthClass(digits.length), 1);
            for (int i = 0; i < Math.min(digits.length, SequenceLabels.MAX_DIGITS); i++) {
                labels[1 + i].putScalar(e, digits[i], 1);
                masks[1 + i].putScalar(e, 0, 1);
            }
        }
        return new MultiDataSet(new INDArray[] {features}, labels, null, masks);
    }
}
