package dev.streetnum.batch;

import dev.streetnum.data.AtomicFile;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.ReadViews;
import dev.streetnum.model.Transcriber;
import dev.streetnum.model.fast.CpuAcceleration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.apache.spark.TaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The copies of the model in this executor JVM, loaded lazily from the shipped bundle's bytes on the
 * job's engine and kept for every later task and job. DL4J networks are not thread-safe, so a task
 * borrows a copy (every network and localizer of the bundle) for its partition and gives it back: with
 * {@code spark.executor.cores=1} (the cluster setting) that is exactly one copy per executor JVM; in
 * local mode, where the driver JVM runs N task threads, at most N. Spark already gives each task its
 * cores ({@code spark.task.cpus}, default 1), so an ONNX Runtime network gets that many intra-op
 * threads; DL4J's come from {@code OMP_NUM_THREADS}, set to 1 where the JVM starts (the launcher;
 * {@code spark.executorEnv} for executors).
 */
final class ExecutorModels {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorModels.class);
    private static final Map<String, ConcurrentLinkedDeque<Transcriber>> IDLE = new ConcurrentHashMap<>();
    private static final Map<String, Path> FILES = new ConcurrentHashMap<>();

    private ExecutorModels() {
    }

    /** An idle copy of this model on its engine, loading a new one when every loaded one is in use. */
    static Transcriber borrow(ShippedModel model) {
        Transcriber idle = IDLE.computeIfAbsent(key(model), k -> new ConcurrentLinkedDeque<>()).poll();
        return idle != null ? idle : load(model);
    }

    /** Back to the pool, for the next task on this JVM. */
    static void giveBack(ShippedModel model, Transcriber transcriber) {
        IDLE.computeIfAbsent(key(model), k -> new ConcurrentLinkedDeque<>()).push(transcriber);
    }

    /** The same bundle on another engine is another model. */
    private static String key(ShippedModel model) {
        return model.sha256() + "/" + model.engine().label();
    }

    /** One load at a time: the first tasks of a JVM would otherwise initialise ND4J's natives side by side. */
    private static synchronized Transcriber load(ShippedModel model) {
        long start = System.nanoTime();
        // DL4J picks a layer's oneDNN helper when the layer is created: switch them on before loading.
        CpuAcceleration.enable();
        ModelBundle bundle = ModelBundle.load(bundleFile(model));
        Transcriber transcriber = new Transcriber(model.engine().open(List.of(bundle), taskCpus()), ReadViews.CENTRE);
        long millis = (System.nanoTime() - start) / 1_000_000;
        model.loadMillis().add(millis);
        model.copies().add(1);
        LOG.info("loaded model {} on {} in {} ms", model.modelId(), model.engine(), millis);
        return transcriber;
    }

    /** The cores Spark gave the running task ({@code spark.task.cpus}); 1 outside a task. */
    private static int taskCpus() {
        TaskContext task = TaskContext.get();
        return task != null ? Math.max(1, task.cpus()) : 1;
    }

    /** The bundle's bytes in a file of this JVM's temporary folder, written once (ModelBundle reads files). */
    private static Path bundleFile(ShippedModel model) {
        return FILES.computeIfAbsent(model.sha256(), sha -> {
            try {
                Path dir = Files.createTempDirectory("streetnum-batch-model-");
                Path file = dir.resolve(sha + ModelBundle.EXTENSION);
                // A new folder per bundle and JVM: nothing is there to replace.
                AtomicFile.write(file, tmp -> Files.write(tmp, model.bundle().value()));
                file.toFile().deleteOnExit();
                dir.toFile().deleteOnExit();
                return file;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the shipped model to this executor's temporary folder", e);
            }
        });
    }
}
