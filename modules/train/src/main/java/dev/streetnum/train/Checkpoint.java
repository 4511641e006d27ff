package dev.streetnum.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streetnum.data.AtomicFile;
import dev.streetnum.data.DataException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The transcriber's {@code last} checkpoint: DL4J's model zip with the updater (Adam's moments) and the iteration
 * and epoch counters, plus a {@link TrainerState} entry and, when the run keeps one, its weight average. Written
 * to a temporary file and renamed, so a run killed mid-write leaves the previous checkpoint whole.
 */
public final class Checkpoint {

    /** The checkpoint's file name in a run folder. */
    public static final String FILE_NAME = "last.checkpoint";
    private static final String STATE_ENTRY = "streetnum-trainer-state.json";
    private static final String RUN_ENTRY = "streetnum-run-identity";
    /** The running weight average's values in ND4J's binary form, when the run keeps one. */
    private static final String AVERAGE_ENTRY = "streetnum-weight-average";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<TrainerState<MetricsRow>> STATE = new TypeReference<>() {
    };

    private Checkpoint() {
    }

    /**
     * What a checkpoint holds.
     *
     * @param weightAverage the running average of the weights ({@link ExponentialWeightAverage}); null when the
     *                      run keeps none
     */
    public record Saved(ComputationGraph network, TrainerState<MetricsRow> state, INDArray weightAverage) {
    }

    /**
     * @param runIdentity what must not change across a resume (preset, seed, batch size), as text
     * @param average     the run's weight average, saved beside the raw weights; null for none
     */
    static void save(Path file, ComputationGraph network, TrainerState<?> state, String runIdentity,
                     ExponentialWeightAverage average) {
        try {
            AtomicFile.write(file, tmp -> {
                ModelSerializer.writeModel(network, tmp.toFile(), true);
                ModelSerializer.addObjectToFile(tmp.toFile(), STATE_ENTRY, JSON.writeValueAsString(state));
                ModelSerializer.addObjectToFile(tmp.toFile(), RUN_ENTRY, runIdentity);
                if (average != null) {
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    try (DataOutputStream out = new DataOutputStream(bytes)) {
                        Nd4j.write(average.weights(), out);
                    }
                    ModelSerializer.addObjectToFile(tmp.toFile(), AVERAGE_ENTRY, bytes.toByteArray());
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("could not write checkpoint " + file, e);
        }
    }

    /** Loads a checkpoint for {@code --resume}, refusing one made with a different preset, seed or batch size. */
    public static Saved load(Path file, String runIdentity) {
        if (!Files.isRegularFile(file)) {
            throw new DataException("cannot resume: there is no checkpoint " + file
                    + " (start the run without --resume)");
        }
        try {
            String saved = ModelSerializer.getObjectFromFile(file.toFile(), RUN_ENTRY);
            if (!runIdentity.equals(saved)) {
                throw new IllegalArgumentException("cannot resume " + file + ": it was made with " + saved
                        + ", this run asks for " + runIdentity + "; use the same options or a new --out folder");
            }
            String state = ModelSerializer.getObjectFromFile(file.toFile(), STATE_ENTRY);
            INDArray average = null;
            if (ModelSerializer.listObjectsInFile(file.toFile()).contains(AVERAGE_ENTRY)) {
                byte[] bytes = ModelSerializer.getObjectFromFile(file.toFile(), AVERAGE_ENTRY);
                try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
                    average = Nd4j.read(in);
                }
            }
            return new Saved(ModelSerializer.restoreComputationGraph(file.toFile(), true),
                    JSON.readValue(state, STATE), average);
        } catch (JsonProcessingException e) {
            throw new DataException("checkpoint " + file + " has an unreadable trainer state: " + e.getOriginalMessage(), e);
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException) {
                throw (IllegalArgumentException) e;
            }
            throw new DataException("checkpoint " + file + " is damaged or not a checkpoint: " + e.getMessage(), e);
        }
    }
}
