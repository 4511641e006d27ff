package dev.streetnum.batch;

import dev.streetnum.model.AcceptanceThreshold;
import dev.streetnum.onnx.Engine;
import java.io.Serializable;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;

/**
 * The model as the tasks see it: the bundle's bytes broadcast once to each executor (not once per
 * task), named by their sha256 so each executor JVM loads them once per engine, plus what every row needs.
 *
 * @param bundle       the bundle file's bytes
 * @param sha256       their hash: the key of the executor's loaded copies of the model
 * @param engine       what runs the networks on the executors
 * @param modelId      the engine's model id ({@code ...-int8} for int8), for the output's {@code model} column
 * @param threshold    answers with P(S|x) below it are refused (a caller's box and no box apart)
 * @param loadMillis   milliseconds the executors spent loading the model (the benchmark shows it apart)
 * @param copies       copies of the model the executors loaded: one per task running at once on a JVM,
 *                     each with all the bundle's networks and localizers
 */
public record ShippedModel(
        Broadcast<byte[]> bundle,
        String sha256,
        Engine engine,
        String modelId,
        AcceptanceThreshold threshold,
        LongAccumulator loadMillis,
        LongAccumulator copies) implements Serializable {
}
