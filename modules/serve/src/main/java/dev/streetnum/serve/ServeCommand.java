package dev.streetnum.serve;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import dev.streetnum.data.Box;
import dev.streetnum.data.StopSignals;
import dev.streetnum.model.Ensemble;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.ReadViews;
import dev.streetnum.model.Transcriber;
import io.javalin.Javalin;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.BindException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
    /** How much longer than the grace period a shutdown hook waits for the service to stop. */
    private static final long SHUTDOWN_HOOK_MARGIN_MS = 2_000;

    @Mixin
    BundleOptions bundle;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "address to listen on (default ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
            description = "port (default ${DEFAULT-VALUE}; 0 picks a free one)")
    int port;

    @Option(names = "--max-batch", paramLabel = "N", defaultValue = "" + ServeConfig.DEFAULT_MAX_BATCH,
            description = "most images per forward pass (default ${DEFAULT-VALUE})")
    int maxBatch;

    @Option(names = "--max-delay-ms", paramLabel = "MS", defaultValue = "" + ServeConfig.DEFAULT_MAX_DELAY_MS,
            description = "longest an image waits for a batch to fill (default ${DEFAULT-VALUE})")
    int maxDelayMs;

    @Option(names = "--queue", paramLabel = "N", defaultValue = "" + ServeConfig.DEFAULT_QUEUE_CAPACITY,
            description = "images that may wait before requests get 503, and the most one call may carry (default ${DEFAULT-VALUE})")
    int queue;

    @Option(names = "--timeout-ms", paramLabel = "MS", defaultValue = "" + ServeConfig.DEFAULT_REQUEST_TIMEOUT_MS,
            description = "longest a request waits for its answer, or its body may stall (default ${DEFAULT-VALUE})")
    int timeoutMs;

    @Option(names = "--allowed-hosts", split = ",", paramLabel = "HOST",
            description = "host names requests may name in Host and Origin (default: --host, localhost, 127.0.0.1, [::1];"
                    + " '*' allows any). List the names clients use when listening on other interfaces.")
    List<String> allowedHosts;

    @Override
    public Integer call() throws InterruptedException {
        ModelBundle model = bundle.load();
        Ensemble models = bundle.open(model);
        ServeConfig config = ServeConfig.defaults(models.modelId(), bundle.threshold(models))
                .withBatching(maxBatch, maxDelayMs)
                .withLimits(queue, timeoutMs, ServeConfig.DEFAULT_MAX_BODY_BYTES, ServeConfig.DEFAULT_MAX_PIXELS)
                .withAllowedHosts(allowedHosts != null ? allowedHosts : defaultAllowedHosts(host))
                .withScores(models.paths())
                .withEngine(bundle.engine);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        bindMemoryMetrics(registry);
        Transcriber transcriber = new Transcriber(models, ReadViews.CENTRE);
        if (!model.partners().isEmpty()) {
            LOG.info("an ensemble of {} networks ({}): {}, and the heads are averaged", models.size(),
                    Ensemble.memberIds(model), models.paths().describe());
        }
        LOG.info(model.localizerSummary());
        warmUp(transcriber);
        TranscriptionEngine engine = new TranscriptionEngine(new ServedModel(transcriber), config,
                model.metadata().preprocess(), registry);
        // A signal's default action ends the JVM with 128+signal (143 for SIGTERM) whatever call()
        // returns; handling SIGTERM and Ctrl-C here lets a clean stop exit 0.
        CountDownLatch stopRequested = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        StopSignals signals = StopSignals.handle(status -> stopRequested.countDown());
        // Any other way the JVM ends (another signal, System.exit) still answers requests in flight.
        Thread hook = new Thread(() -> {
            stopRequested.countDown();
            try {
                stopped.await(config.shutdownGraceMs() + SHUTDOWN_HOOK_MARGIN_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "streetnum-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            Javalin app = start(TranscriptionApp.create(engine, registry));
            LOG.info("serving model {} at threshold {} on http://{}:{}/", config.modelId(), config.threshold(), host,
                    app.port());
            stopRequested.await();
            LOG.info("stopping: answering requests in flight");
            app.stop(); // answers requests in flight, then closes the engine
            LOG.info("stopped");
        } finally {
            stopped.countDown();
            signals.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down: the hook is running and returns now
            }
        }
        return 0;
    }

    /**
     * Starts listening; a port that cannot be had (in use, an address not this machine's) is the user's to
     * fix, so it is an {@link IllegalArgumentException} naming host and port, one line, not a stack trace.
     */
    private Javalin start(Javalin app) {
        try {
            return app.start(host, port);
        } catch (RuntimeException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof BindException bind) {
                    throw new IllegalArgumentException("cannot listen on " + host + ":" + port + ": " + bind.getMessage()
                            + " (another service there? pass another --port, or --port 0 for any free one)", e);
                }
            }
            throw e;
        }
    }

    static List<String> defaultAllowedHosts(String host) {
        List<String> hosts = new ArrayList<>(ServeConfig.LOOPBACK_HOSTS);
        hosts.add(host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host); // an IPv6 literal's Host form
        return hosts;
    }

    /**
     * Heap, non-heap and direct buffers (Micrometer's JVM binder): with the process's resident size,
     * what a soak test watches (resident minus committed heap is the native memory: OpenCV, ND4J).
     */
    private static void bindMemoryMetrics(PrometheusMeterRegistry registry) {
        new JvmMemoryMetrics().bindTo(registry);
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
            // A caller's box may be read by more networks than a photo without one: warm those too.
            transcriber.transcribe(List.of(grey), List.of(new Box(0, 0, WARM_UP_SIDE, WARM_UP_SIDE)));
        }
        LOG.info("model warmed up in {} ms", (System.nanoTime() - start) / 1_000_000);
    }
}
