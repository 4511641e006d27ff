package dev.streetnum.model;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * Sets a network's subnormal numbers (nonzero, smaller in magnitude than the type's smallest normal) to zero.
 * Weights that get no gradient from the data (whole filters of units that never fire among them) feel only
 * the L2 term, and run after run some shrank until they were subnormal: 16% of the transcriber shipped as
 * {@code cpu-s2032-i13600}. Intel cores take a microcode assist for each multiply that reads one, which made
 * that bundle's forward pass 40 times slower on a Xeon than its weights flushed (ONNX Runtime at batch 1: 27
 * against 1,135 images/s) and its training 10 times slower; the machine of the earlier speed figures did not
 * show it. A subnormal float is below 1.2e-38, so zero changes no output a float can hold apart from it.
 */
public final class SubnormalWeights {

    private SubnormalWeights() {
    }

    /** Flushes the network's parameters and, when it has one, its optimiser state, in place. */
    public static void flushToZero(ComputationGraph network) {
        flushToZero(network.params());
        ComputationGraphUpdater updater = network.getUpdater(false);
        if (updater != null) {
            INDArray state = updater.getStateViewArray();
            if (state != null) {
                flushToZero(state);
            }
        }
    }

    /** Flushes a float or double array in place (the types networks here train and run in); others are left alone. */
    public static void flushToZero(INDArray values) {
        DataType type = values.dataType();
        if (type == DataType.FLOAT || type == DataType.DOUBLE) {
            double smallestNormal = type == DataType.FLOAT ? Float.MIN_NORMAL : Double.MIN_NORMAL;
            BooleanIndexing.replaceWhere(values, 0.0, Conditions.absLessThan(smallestNormal));
        }
    }
}
