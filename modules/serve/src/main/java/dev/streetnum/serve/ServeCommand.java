package dev.streetnum.serve;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.Transcriber;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code streetnum serve}: the thresholded transcription service over HTTP until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serves a model bundle over HTTP: /v1/transcribe, Open Inference Protocol v2, /metrics.")
public final class ServeCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);
    /** Side of the blank image of the warm-up pass; any size works, the crop is resized. */
    private static final int WARM_UP_SIDE = 64;

    @Mixin
    BundleOptions bundle;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to listen on (default ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "port (default ${DEFAULT-VALUE}; 0 picks a free one)")
    int port;

    @Option(names = "--max-batch", defaultValue = "" + ServeConfig.DEFAULT_MAX_BATCH,
            description = "most images per forward pass (default ${DEFAULT-VALUE})")
    int maxBatch;

    @Option(names = "--max-delay-ms", defaultValue = "" + ServeConfig.DEFAULT_MAX_DELAY_MS,
            description = "longest an image waits for a batch to fill (default ${DEFAULT-VALUE})")
    int maxDelayMs;

    @Option(names = "--queue", defaultValue = "" + ServeConfig.DEFAULT_QUEUE_CAPACITY,
            description = "images that may wait before requests get 503 (default ${DEFAULT-VALUE})")
    int queue;

    @Option(names = "--timeout-ms", defaultValue = "" + ServeConfig.DEFAULT_REQUEST_TIMEOUT_MS,
            description = "longest a request waits for its answer (default ${DEFAULT-VALUE})")
    int timeoutMs;

    @Override
    public Integer call() throws InterruptedException {
        ModelBundle model = bundle.load();
        ServeConfig config = ServeConfig.defaults(model.metadata().modelId(), bundle.threshold(model))
                .withBatching(maxBatch, maxDelayMs)
                .withLimits(queue, timeoutMs, ServeConfig.DEFAULT_MAX_BODY_BYTES, ServeConfig.DEFAULT_MAX_PIXELS);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Transcriber transcriber = new Transcriber(model);
        LOG.info(model.localizerSummary());
        warmUp(transcriber);
        TranscriptionEngine engine = new TranscriptionEngine(transcriber::transcribe, config,
                model.metadata().preprocess(), registry);
        Javalin app = TranscriptionApp.create(engine, registry).start(host, port);
        LOG.info("serving model {} at threshold {} on http://{}:{}/", config.modelId(), config.threshold(), host,
                app.port());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.stop(); // answers requests in flight, then closes the engine
            stopped.countDown();
        }, "streetnum-serve-shutdown"));
        stopped.await();
        return 0;
    }

    /**
     * One forward pass before the port opens: ND4J's first pass allocates its workspaces and took
     * 4.6 s of the first request's answer on the tiny model; afterwards {@code /v2/health/ready}
     * means the answers will be quick.
     */
    private static void warmUp(Transcriber transcriber) {
        long start = System.nanoTime();
        try (Mat grey = new Mat(WARM_UP_SIDE, WARM_UP_SIDE, CV_8UC3, Scalar.all(128))) {
            transcriber.transcribe(List.of(grey), null);
        }
        LOG.info("model warmed up in {} ms", (System.nanoTime() - start) / 1_000_000);
    }
}
