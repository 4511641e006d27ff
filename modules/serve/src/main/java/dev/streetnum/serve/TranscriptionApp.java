package dev.streetnum.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streetnum.data.DataException;
import dev.streetnum.data.StreetnumVersion;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the transcription service (DESIGN section 7) from its dependencies and returns it unstarted:
 * {@code streetnum serve} starts it on its port, tests on a random loopback port.
 *
 * <p>Handlers are thin: read the images ({@link RequestReader}), transcribe ({@link TranscriptionEngine}),
 * write a record as JSON. Every failure becomes {@code {"error": "..."}} in {@link #writeError}; a
 * {@link ServiceError} carries its status and a message safe to show, anything else is logged once
 * and answered 500 without internals.
 */
public final class TranscriptionApp {

    private static final Logger LOG = LoggerFactory.getLogger(TranscriptionApp.class);

    public static final String TRANSCRIBE = "/v1/transcribe";
    /** Google's custom-method style; Javalin routes the colon literally (TranscriptionAppTest proves it). */
    public static final String TRANSCRIBE_BATCH = "/v1/transcribe:batch";
    public static final String METRICS = "/metrics";
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    /** How long stopping waits, after the last handler returned, for its response to be written. */
    private static final long RESPONSE_FLUSH_MS = 200;

    private final TranscriptionEngine engine;
    private final ServeConfig config;
    private final PrometheusMeterRegistry registry;
    private final ObjectMapper json = new ObjectMapper();
    private final RequestReader reader;
    private final OpenInferenceProtocol v2;
    private final ServicePage page = new ServicePage();
    private final AtomicBoolean draining = new AtomicBoolean(false);
    private final InFlight inFlight = new InFlight();

    private TranscriptionApp(TranscriptionEngine engine, PrometheusMeterRegistry registry) {
        this.engine = engine;
        this.config = engine.config();
        this.registry = registry;
        this.reader = new RequestReader(json, config);
        this.v2 = new OpenInferenceProtocol(config);
    }

    /**
     * The service, unstarted. Stopping it answers in-flight requests (up to the configured grace),
     * then closes the engine.
     */
    public static Javalin create(TranscriptionEngine engine, PrometheusMeterRegistry registry) {
        return new TranscriptionApp(engine, registry).build();
    }

    private Javalin build() {
        return Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.http.maxRequestSize = config.maxBodyBytes();
            cfg.jetty.multipartConfig.maxTotalRequestSize(config.maxBodyBytes(), SizeUnit.BYTES);
            cfg.jetty.multipartConfig.maxFileSize(config.maxBodyBytes(), SizeUnit.BYTES);
            cfg.events.serverStopping(this::drain);
            cfg.events.serverStopped(engine::close);

            cfg.routes.get(ServicePage.INDEX, page::index);
            cfg.routes.get(ServicePage.ASSET, page::asset);
            cfg.routes.post(TRANSCRIBE, measured(TRANSCRIBE, this::transcribe));
            cfg.routes.post(TRANSCRIBE_BATCH, measured(TRANSCRIBE_BATCH, this::transcribeBatch));
            cfg.routes.get(METRICS, ctx -> ctx.contentType(PROMETHEUS_TEXT).result(registry.scrape()));
            cfg.routes.get(OpenInferenceProtocol.SERVER, measured(OpenInferenceProtocol.SERVER,
                    ctx -> reply(ctx, 200, v2.serverMetadata())));
            cfg.routes.get(OpenInferenceProtocol.LIVE, ctx -> reply(ctx, 200, Map.of("live", true)));
            cfg.routes.get(OpenInferenceProtocol.READY, this::ready);
            cfg.routes.get(OpenInferenceProtocol.MODEL, measured(OpenInferenceProtocol.MODEL,
                    ctx -> reply(ctx, 200, v2.modelMetadata(ctx.pathParam("name")))));
            cfg.routes.post(OpenInferenceProtocol.INFER, measured(OpenInferenceProtocol.INFER, this::infer));

            cfg.routes.exception(Exception.class, (e, ctx) -> writeError(ctx, e));
            // Javalin's own 404/405 are plain text; ours (an unknown model) are already JSON.
            cfg.routes.error(404, ctx -> {
                if (!isJson(ctx)) {
                    reply(ctx, 404, error("no endpoint " + ctx.method() + " " + ctx.path()));
                }
            });
            cfg.routes.error(405, ctx -> {
                if (!isJson(ctx)) {
                    reply(ctx, 405, error("method " + ctx.method() + " is not allowed on " + ctx.path()));
                }
            });
        });
    }

    private void transcribe(Context ctx) {
        EncodedImage image = reader.single(ctx);
        reply(ctx, 200, reader.explain(ctx) ? engine.explain(image) : engine.transcribe(List.of(image)).get(0));
    }

    private void transcribeBatch(Context ctx) {
        long start = System.nanoTime();
        List<TranscriptionAnswer> answers = engine.transcribe(reader.batch(ctx));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("results", answers);
        body.put("model", config.modelId());
        body.put("elapsedMs", (System.nanoTime() - start) / 1e6);
        reply(ctx, 200, body);
    }

    private void infer(Context ctx) {
        v2.requireModel(ctx.pathParam("name"));
        RequestReader.InferRequest request = reader.v2(ctx);
        reply(ctx, 200, v2.inferResponse(request.id(), engine.transcribe(request.images())));
    }

    private void ready(Context ctx) {
        boolean ready = engine.ready() && !draining.get();
        reply(ctx, ready ? 200 : 503, Map.of("ready", ready));
    }

    /**
     * Wraps a handler: counts it in flight (stopping waits for it), maps its failure here so the
     * status is known, and records its latency by route and status.
     */
    private Handler measured(String route, Handler handler) {
        return ctx -> {
            long start = System.nanoTime();
            inFlight.enter();
            try {
                if (draining.get()) {
                    throw ServiceError.unavailable("the service is shutting down");
                }
                handler.handle(ctx);
            } catch (Exception e) {
                writeError(ctx, e);
            } finally {
                inFlight.leave();
                Timer.builder("streetnum.http.requests")
                        .description("HTTP requests by route and status, with latency")
                        .tag("route", route)
                        .tag("status", Integer.toString(ctx.statusCode()))
                        .publishPercentileHistogram()
                        .maximumExpectedValue(Duration.ofMillis(config.requestTimeoutMs()))
                        .register(registry)
                        .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
        };
    }

    /** The one place failures become JSON errors. */
    private void writeError(Context ctx, Exception e) {
        if (e instanceof ServiceError error) {
            if (error.status() == ServiceError.UNAVAILABLE) {
                ctx.header("Retry-After", Integer.toString(ServiceError.RETRY_AFTER_SECONDS));
            }
            reply(ctx, error.status(), error(error.getMessage()));
        } else if (e instanceof DataException || e instanceof IllegalArgumentException) {
            reply(ctx, ServiceError.BAD_REQUEST, error(e.getMessage()));
        } else if (e instanceof HttpResponseException http) {
            // Javalin's own refusals, e.g. 413 when a body without a length passes maxRequestSize.
            String why = http.getStatus() == ServiceError.TOO_LARGE
                    ? "the request body is larger than the limit of " + config.maxBodyBytes() + " bytes"
                    : http.getMessage();
            reply(ctx, http.getStatus(), error(why));
        } else {
            LOG.error("unexpected failure on {} {}", ctx.method(), ctx.path(), e);
            reply(ctx, ServiceError.INTERNAL, error("internal error; the server log has the details"));
        }
    }

    private static boolean isJson(Context ctx) {
        String type = ctx.res().getContentType();
        return type != null && type.startsWith(RequestReader.JSON);
    }

    private static Map<String, String> error(String message) {
        return Map.of("error", message == null ? "unknown error" : message);
    }

    private void reply(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType(RequestReader.JSON).result(json.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the answer as JSON", e);
        }
    }

    /** Stops taking transcriptions and waits (bounded) for those in flight to be answered. */
    private void drain() throws InterruptedException {
        draining.set(true);
        if (!inFlight.awaitZero(config.shutdownGraceMs())) {
            LOG.warn("stopping with {} requests still in flight after {} ms", inFlight.count(),
                    config.shutdownGraceMs());
        }
        // Javalin writes a handler's result after the handler returns: give the last answers time to
        // reach the socket before Jetty closes it.
        Thread.sleep(RESPONSE_FLUSH_MS);
    }

    /** Requests being answered, so that stopping can wait for them. */
    private static final class InFlight {
        private int count;

        synchronized void enter() {
            count++;
        }

        synchronized void leave() {
            count--;
            notifyAll();
        }

        synchronized int count() {
            return count;
        }

        synchronized boolean awaitZero(long timeoutMs) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            while (count > 0) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                wait(left);
            }
            return true;
        }
    }
}
