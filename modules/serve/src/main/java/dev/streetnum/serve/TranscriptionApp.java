package dev.streetnum.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streetnum.data.DataException;
import dev.streetnum.data.StreetnumVersion;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.component.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the transcription service (DESIGN section 7) from its dependencies and returns it unstarted:
 * {@code streetnum serve} starts it on its port, tests on a random loopback port.
 *
 * <p>Handlers are thin: read the images ({@link RequestReader}), transcribe ({@link TranscriptionEngine}),
 * write a record as JSON. Every failure becomes {@code {"error": "..."}} in {@link #writeError}; a
 * {@link ServiceError} carries its status and a message safe to show, a {@link TranscriptionFailure}
 * gets the status of its kind ({@link #status}), anything else is logged once
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
    /**
     * Connections the kernel holds for the acceptor. Java's default, 50, overflowed when 200 clients
     * connected at once (16 of 1,000 requests reset); the kernel caps it at net.core.somaxconn.
     */
    static final int ACCEPT_BACKLOG = 1024;
    /** How long a browser may reuse a preflight's answer before asking again. */
    static final int CORS_MAX_AGE_SECONDS = 600;
    static final String NOSNIFF_HEADER = "X-Content-Type-Options";
    /**
     * The request's id, echoed on its answer and named in the log lines about it, so a calling system can
     * match them; one is made when the request brings none (or one longer than {@link #MAX_REQUEST_ID}
     * characters, or not printable ASCII).
     */
    static final String REQUEST_ID_HEADER = "X-Request-Id";
    static final int MAX_REQUEST_ID = 128;
    private static final Pattern REQUEST_ID = Pattern.compile("[\\x21-\\x7e]{1," + MAX_REQUEST_ID + "}");
    static final int FORBIDDEN = 403;
    static final int REQUEST_TIMEOUT = 408;
    static final int METHOD_NOT_ALLOWED = 405;
    /** Jetty's multipart parser refuses more parts than this (its default). */
    static final int MAX_MULTIPART_PARTS = 1000;
    /** How Jetty's multipart limits word their refusals ("max file size exceeded: ...", "Form with too many keys"). */
    private static final List<String> LIMIT_WORDS = List.of("exceeded", "too many");
    /**
     * Most bytes of an unread request body an error reply discards first. Refused before its body is
     * read (a declared length over the limit, a full queue), a request would have its connection
     * closed with the client still sending; the kernel answers the unread bytes with a reset, which
     * can destroy the reply before the client reads it (it then sees no status at all). Beyond this
     * many bytes, or the request timeout, the connection is cut as before.
     */
    static final long MOST_DISCARDED_BYTES = 64L << 20;

    private final TranscriptionEngine engine;
    private final ServeConfig config;
    private final PrometheusMeterRegistry registry;
    private final ObjectMapper json = new ObjectMapper();
    private final RequestReader reader;
    private final OpenInferenceProtocol v2;
    private final ServicePage page = new ServicePage();
    private final ObjectNode apiDocument;
    private final AtomicBoolean draining = new AtomicBoolean(false);
    private final InFlight inFlight = new InFlight();
    /** Each route's path pattern and its methods, for the {@code Allow} header of a 405. */
    private final Map<String, Set<String>> routes = new LinkedHashMap<>();

    private TranscriptionApp(TranscriptionEngine engine, PrometheusMeterRegistry registry) {
        this.engine = engine;
        this.config = engine.config();
        this.registry = registry;
        this.reader = new RequestReader(json, config);
        this.v2 = new OpenInferenceProtocol(config);
        this.apiDocument = OpenApiDocument.forModel(json, config.modelId());
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
            cfg.http.prefer405over404 = true;
            cfg.jetty.multipartConfig.maxTotalRequestSize(config.maxBodyBytes(), SizeUnit.BYTES);
            cfg.jetty.multipartConfig.maxFileSize(config.maxBodyBytes(), SizeUnit.BYTES);
            cfg.jetty.modifyServer(server -> server.addEventListener(new LifeCycle.Listener() {
                @Override
                public void lifeCycleStarting(LifeCycle event) {
                    tune(server.getConnectors()); // Javalin has made its connector by now, not yet opened it
                }
            }));
            // A web page at another origin may call the API when its host is allowed: the guard below
            // refuses any other Origin first, so reflecting the one that passed is the allow-list.
            cfg.bundledPlugins.enableCors(cors -> cors.addRule(rule -> {
                rule.reflectClientOrigin = true;
                rule.maxAge = CORS_MAX_AGE_SECONDS;
                rule.exposeHeader("Retry-After");
                rule.exposeHeader(REQUEST_ID_HEADER);
            }));
            cfg.events.serverStopping(this::drain);
            cfg.events.serverStopped(engine::close);

            cfg.events.handlerAdded(added -> {
                if (added.getHttpMethod().isHttpMethod()) {
                    routes.computeIfAbsent(added.getPath(), p -> new LinkedHashSet<>()).add(added.getHttpMethod().name());
                }
            });
            cfg.routes.before(this::guard);
            cfg.routes.get(ServicePage.INDEX, page::index);
            cfg.routes.get(ServicePage.ASSET, page::asset);
            cfg.routes.post(TRANSCRIBE, readingImages(TRANSCRIBE, this::transcribe));
            cfg.routes.post(TRANSCRIBE_BATCH, readingImages(TRANSCRIBE_BATCH, this::transcribeBatch));
            cfg.routes.get(METRICS, ctx -> ctx.contentType(PROMETHEUS_TEXT).result(registry.scrape()));
            cfg.routes.get(OpenInferenceProtocol.SERVER, measured(OpenInferenceProtocol.SERVER,
                    ctx -> reply(ctx, 200, v2.serverMetadata())));
            cfg.routes.get(OpenInferenceProtocol.LIVE, ctx -> reply(ctx, 200, Map.of("live", true)));
            cfg.routes.get(OpenInferenceProtocol.READY, this::ready);
            cfg.routes.get(OpenInferenceProtocol.MODEL, measured(OpenInferenceProtocol.MODEL, this::modelMetadata));
            cfg.routes.get(OpenInferenceProtocol.VERSION, measured(OpenInferenceProtocol.VERSION, this::modelMetadata));
            cfg.routes.get(OpenInferenceProtocol.MODEL_READY, this::modelReady);
            cfg.routes.get(OpenInferenceProtocol.VERSION_READY, this::modelReady);
            cfg.routes.post(OpenInferenceProtocol.INFER, readingImages(OpenInferenceProtocol.INFER, this::infer));
            cfg.routes.post(OpenInferenceProtocol.VERSION_INFER, readingImages(OpenInferenceProtocol.VERSION_INFER,
                    this::infer));
            cfg.routes.get(OpenApiDocument.PATH, measured(OpenApiDocument.PATH, ctx -> reply(ctx, 200, apiDocument)));

            cfg.routes.exception(Exception.class, (e, ctx) -> writeError(ctx, e));
            // Javalin's own 404/405 are plain text; ours (an unknown model) are already JSON.
            cfg.routes.error(404, ctx -> {
                if (!isJson(ctx)) {
                    reply(ctx, 404, error("no endpoint " + ctx.method() + " " + ctx.path()));
                }
            });
            cfg.routes.error(METHOD_NOT_ALLOWED, ctx -> {
                String allow = allowedMethods(ctx.path());
                ctx.header("Allow", allow);
                reply(ctx, METHOD_NOT_ALLOWED, error("method " + ctx.method() + " is not allowed on " + ctx.path()
                        + "; use " + allow));
            });
        });
    }

    private String allowedMethods(String path) {
        Set<String> methods = new LinkedHashSet<>();
        routes.forEach((pattern, those) -> {
            if (pathPattern(pattern).matcher(path).matches()) {
                methods.addAll(those);
            }
        });
        return String.join(", ", methods);
    }

    /** A Javalin path with {@code {param}} segments as a regular expression. */
    private static Pattern pathPattern(String path) {
        StringBuilder regex = new StringBuilder();
        for (String part : path.split("((?=\\{)|(?<=\\}))")) {
            regex.append(part.startsWith("{") ? "[^/]+" : Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }

    /** A larger accept backlog, and the request timeout as the idle timeout (a stalled body is dropped). */
    private void tune(Connector[] connectors) {
        for (Connector connector : connectors) {
            if (connector instanceof ServerConnector server) {
                server.setAcceptQueueSize(ACCEPT_BACKLOG);
                server.setIdleTimeout(config.requestTimeoutMs());
            }
        }
    }

    /**
     * Before every route: {@code nosniff} on every answer, and the request must name an allowed host
     * in {@code Host} and, when a browser sends one, {@code Origin}. A page on another site can
     * neither post to a local service (its Origin names that site) nor reach it through a DNS name
     * rebound to 127.0.0.1 (its Host names that name).
     */
    private void guard(Context ctx) {
        ctx.header(NOSNIFF_HEADER, "nosniff");
        String id = ctx.header(REQUEST_ID_HEADER);
        ctx.header(REQUEST_ID_HEADER, id != null && REQUEST_ID.matcher(id).matches() ? id : UUID.randomUUID().toString());
        String host = ctx.header("Host");
        if (host != null && !config.allowsHost(hostName(host))) {
            throw new ServiceError(FORBIDDEN, "host '" + hostName(host) + "' is not served here (allowed: "
                    + String.join(", ", config.allowedHosts()) + "; see --allowed-hosts)");
        }
        String origin = ctx.header("Origin");
        if (origin != null) {
            String originHost = originHost(origin);
            if (originHost == null || !config.allowsHost(originHost)) {
                throw new ServiceError(FORBIDDEN, "requests from pages at origin '" + origin + "' are not served here"
                        + " (allowed hosts: " + String.join(", ", config.allowedHosts()) + "; see --allowed-hosts)");
            }
        }
    }

    /** The host of a Host header without its port, lower case; an IPv6 literal keeps its brackets. */
    static String hostName(String hostHeader) {
        String h = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            return close < 0 ? h : h.substring(0, close + 1);
        }
        int colon = h.indexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }

    /** The host an Origin header names, or null when it names none ("null", malformed). */
    private static String originHost(String origin) {
        try {
            String host = URI.create(origin.trim()).getHost();
            return host == null ? null : host.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
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

    /** A v2 path's model (and version, on a versioned path) must be the served one's. */
    private void requireModel(Context ctx) {
        v2.requireModel(ctx.pathParam("name"), ctx.pathParamMap().get("version"));
    }

    private void modelMetadata(Context ctx) {
        requireModel(ctx);
        reply(ctx, 200, v2.modelMetadata());
    }

    private void infer(Context ctx) {
        requireModel(ctx);
        RequestReader.InferRequest request = reader.v2(ctx);
        reply(ctx, 200, v2.inferResponse(request.id(), engine.transcribe(request.images())));
    }

    private void ready(Context ctx) {
        boolean ready = ready();
        reply(ctx, ready ? 200 : 503, Map.of("ready", ready));
    }

    /** The one model's readiness is the server's: 200 when it takes requests, 503 otherwise. */
    private void modelReady(Context ctx) {
        requireModel(ctx);
        boolean ready = ready();
        reply(ctx, ready ? 200 : 503, v2.modelReadiness(ready));
    }

    private boolean ready() {
        return engine.ready() && !draining.get();
    }

    /** A route that reads images: {@link #measured}, refusing a query parameter the route does not take. */
    private Handler readingImages(String route, Handler handler) {
        if (!RequestReader.QUERY_PARAMETERS.containsKey(route)) {
            throw new IllegalStateException(route + " reads images but RequestReader.QUERY_PARAMETERS does not list"
                    + " the query parameters it takes");
        }
        return measured(route, ctx -> {
            RequestReader.requireKnownQuery(ctx, route);
            handler.handle(ctx);
        });
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
        if (e instanceof TranscriptionFailure failure) {
            e = new ServiceError(status(failure.kind()), failure.getMessage());
        }
        if (e instanceof ServiceError error) {
            if (error.status() == ServiceError.UNAVAILABLE) {
                ctx.header("Retry-After", Integer.toString(ServiceError.RETRY_AFTER_SECONDS));
            }
            reply(ctx, error.status(), error(error.getMessage()));
        } else if (e instanceof DataException) {
            // The request's bytes did not decode. An IllegalArgumentException is not mapped here: the
            // request readers turn bad client input into ServiceError, so one reaching this point is
            // a bug in the service and gets the 500 below.
            reply(ctx, ServiceError.BAD_REQUEST, error(e.getMessage()));
        } else if (e instanceof HttpResponseException http) {
            // Javalin's own refusals, e.g. 413 when a body without a length passes maxRequestSize.
            String why = http.getStatus() == ServiceError.TOO_LARGE
                    ? "the request body is larger than the limit of " + config.maxBodyBytes() + " bytes"
                    : http.getMessage();
            reply(ctx, http.getStatus(), error(why));
        } else {
            ServiceError body = bodyError(e);
            if (body != null) {
                // The client's fault, but worth one line: a flood of these is an attack to notice.
                LOG.warn("refused {} {} (request {}): {}", ctx.method(), ctx.path(), requestId(ctx), body.getMessage());
                reply(ctx, body.status(), error(body.getMessage()));
                return;
            }
            LOG.error("unexpected failure on {} {} (request {})", ctx.method(), ctx.path(), requestId(ctx), e);
            reply(ctx, ServiceError.INTERNAL, error("internal error; the server log has the details"));
        }
    }

    /** The id {@link #guard} gave the request's answer (null before the guard ran). */
    private static String requestId(Context ctx) {
        return ctx.res().getHeader(REQUEST_ID_HEADER);
    }

    /** The HTTP status of each way the transcription path can fail. */
    static int status(TranscriptionFailure.Kind kind) {
        return switch (kind) {
            case BAD_IMAGE -> ServiceError.BAD_REQUEST;
            case TOO_LARGE -> ServiceError.TOO_LARGE;
            case BUSY -> ServiceError.UNAVAILABLE;
            case MODEL_FAILED -> ServiceError.INTERNAL;
        };
    }

    /**
     * What reading a malformed, oversized or stalled body looks like from Jetty (a bad chunk size, a
     * multipart part over the limit, too many parts, a body that stops): the client's error, named, or
     * null when the failure is not about the body.
     */
    private ServiceError bodyError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpException http) {
                String detail = rootMessage(t);
                // Jetty's multipart parser says "bad multipart" (400) whatever the cause; its limits say
                // "max ... exceeded" further down the chain.
                boolean tooLarge = http.getCode() == ServiceError.TOO_LARGE || LIMIT_WORDS.stream().anyMatch(detail::contains);
                String reason = (http.getReason() == null ? "" : ": " + http.getReason())
                        + (detail.isEmpty() || detail.equals(http.getReason()) ? "" : " (" + detail + ")");
                return tooLarge
                        ? ServiceError.tooLarge("the request body is over a limit (" + config.maxBodyBytes()
                                + " bytes, " + MAX_MULTIPART_PARTS + " multipart parts)" + reason)
                        : ServiceError.badRequest("the request body is malformed" + reason);
            }
            if (t instanceof TimeoutException) {
                return new ServiceError(REQUEST_TIMEOUT, "the request body did not arrive within "
                        + config.requestTimeoutMs() + " ms");
            }
            if (t instanceof EofException) {
                return ServiceError.badRequest("the request body ended before its declared length");
            }
        }
        return null;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == t || root.getMessage() == null ? "" : root.getMessage();
    }

    private static boolean isJson(Context ctx) {
        String type = ctx.res().getContentType();
        return type != null && type.startsWith(RequestReader.JSON);
    }

    private static Map<String, String> error(String message) {
        return Map.of("error", message == null ? "unknown error" : message);
    }

    private void reply(Context ctx, int status, Object body) {
        if (status >= ServiceError.BAD_REQUEST) {
            discardUnreadBody(ctx);
        }
        try {
            ctx.status(status).contentType(RequestReader.JSON).result(json.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the answer as JSON", e);
        }
    }

    /** Reads and drops what is left of the request body, within {@link #MOST_DISCARDED_BYTES} and the request timeout. */
    private void discardUnreadBody(Context ctx) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.requestTimeoutMs());
        byte[] sink = new byte[64 << 10];
        try {
            InputStream in = ctx.req().getInputStream();
            long discarded = 0;
            int n;
            while (discarded < MOST_DISCARDED_BYTES && System.nanoTime() < deadline && (n = in.read(sink)) > 0) {
                discarded += n;
            }
        } catch (IOException | RuntimeException e) {
            // The body had already failed (malformed, stalled, over a multipart limit): the connection
            // is cut after the reply either way, and the reply still goes out.
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
