package dev.streetnum.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.AnnotatedImage;
import dev.streetnum.data.Box;
import dev.streetnum.data.ImageDecoder;
import dev.streetnum.data.TestData;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.TestBundles;
import dev.streetnum.model.Transcriber;
import dev.streetnum.model.Transcription;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * The service around the real tiny model, attacked as a hostile client would (issue 15): each attack
 * gets its status and a JSON error naming the problem, logs at most one line and no stack trace, and
 * a normal request sent afterwards gets exactly the answer it got before. One bad request in a
 * micro-batch never fails the others, and 200 clients connecting at once are all answered.
 */
class ReliabilityTest {

    static final int IMAGES = 8;
    static final long DATA_SEED = 23;
    static final double THRESHOLD = 0.5;
    static final long MAX_BODY = 400_000;
    static final int BURST_CLIENTS = 200;
    /** Room for every client of the burst: a full queue's 503 is right, but not what the burst tests. */
    static final int QUEUE = BURST_CLIENTS;
    static final int MAX_BATCH = 16;
    static final int REQUEST_TIMEOUT_MS = 20_000;
    /** Same margin as RealModelServiceTest: batch composition may change BLAS summation order. */
    static final double TOLERANCE = 1e-6;
    /** The smallest accept backlog that held 200 simultaneous connects (the JDK default is 50). */
    static final int MIN_BACKLOG = 1024;
    static final String ABSURD_BOX = "0,0,2000000000,2000000000";

    @TempDir
    static Path dir;

    static Path bundleFile;
    static String modelId;
    static final List<byte[]> pngs = new ArrayList<>();
    static final List<Box> boxes = new ArrayList<>();
    static List<Transcription> boxed;
    static ServiceUnderTest service;
    /** The normal request's answer before any attack, elapsedMs removed. */
    static JsonNode baseline;
    static final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeAll
    static void start() {
        bundleFile = TestBundles.tinyBundleFile(dir);
        AnnotatedDataset data = AnnotatedDataset.load(TestData.generatedSet(dir.resolve("set"), IMAGES, DATA_SEED), false);
        modelId = ModelBundle.load(bundleFile).metadata().modelId();
        List<Mat> decoded = new ArrayList<>();
        for (AnnotatedImage image : data.images()) {
            pngs.add(ImageDecoder.readBytes(image.file()));
            boxes.add(image.region());
            decoded.add(ImageDecoder.read(image.file()));
        }
        boxed = new Transcriber(ModelBundle.load(bundleFile)).transcribe(decoded, boxes);
        decoded.forEach(Mat::close);

        service = new ServiceUnderTest(servedModel(), config());
        baseline = normalAnswer(service);
        assertEquals(boxed.get(0).candidate(), baseline.get("candidate").asText(), baseline.toString());
        assertEquals(boxed.get(0).confidence(), baseline.get("confidence").asDouble(), TOLERANCE);

        log.start();
        root().addAppender(log);
    }

    @AfterAll
    static void stop() {
        root().detachAppender(log);
        service.close();
    }

    static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    static ServeConfig config() {
        return ServeConfig.defaults(modelId, THRESHOLD).withBatching(MAX_BATCH, 5)
                .withLimits(QUEUE, REQUEST_TIMEOUT_MS, MAX_BODY, ServeConfig.DEFAULT_MAX_PIXELS);
    }

    static BatchTranscriber servedModel() {
        return ServiceUnderTest.servedModel(bundleFile);
    }

    static String boxQuery(Box b) {
        return "?box=" + b.left() + "," + b.top() + "," + b.width() + "," + b.height();
    }

    /** Image 0 with its box, the request every attack is followed by. */
    static JsonNode normalAnswer(ServiceUnderTest s) {
        var r = s.postBytes(TranscriptionApp.TRANSCRIBE + boxQuery(boxes.get(0)), RequestReader.PNG, pngs.get(0));
        assertEquals(200, r.statusCode(), r.body());
        ObjectNode answer = (ObjectNode) ServiceUnderTest.json(r);
        answer.remove("elapsedMs");
        return answer;
    }

    static void assertEvaluatorAnswer(int image, JsonNode answer, String what) {
        assertEquals(boxed.get(image).candidate(), answer.get("candidate").asText(), what + ": " + answer);
        assertEquals(boxed.get(image).confidence(), answer.get("confidence").asDouble(), TOLERANCE, what + ": " + answer);
    }

    // ---- raw requests -------------------------------------------------------------------------

    static String head(String method, String path, String... headers) {
        StringBuilder b = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + ServiceUnderTest.LOOPBACK
                + ":" + service.app.port());
        for (String h : headers) {
            b.append("\r\n").append(h);
        }
        return b.toString();
    }

    static RawHttp.Answer post(String path, String type, byte[] body, String... headers) {
        List<String> all = new ArrayList<>(List.of("Content-Type: " + type, "Content-Length: " + body.length));
        all.addAll(List.of(headers));
        return RawHttp.exchange(service.app.port(), head("POST", path, all.toArray(String[]::new)), body);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] chunked(byte[] body, int chunk) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int at = 0; at < body.length; at += chunk) {
            int n = Math.min(chunk, body.length - at);
            out.writeBytes(utf8(Integer.toHexString(n) + "\r\n"));
            out.write(body, at, n);
            out.writeBytes(utf8("\r\n"));
        }
        out.writeBytes(utf8("0\r\n\r\n"));
        return out.toByteArray();
    }

    static String b64(byte[] b) {
        return TranscriptionAppTest.base64(b);
    }

    static String v2Infer(String shape, int images) {
        return "{\"inputs\": [{\"name\": \"image\", \"datatype\": \"BYTES\"" + shape + ", \"data\": ["
                + String.join(",", Collections.nCopies(images, "\"" + b64(pngs.get(0)) + "\"")) + "]}]}";
    }

    static Stream<Arguments> attacks() {
        String multipart = "multipart/form-data; boundary=" + "streetnum-test-boundary";
        Function<Integer, byte[]> parts = n -> {
            TranscriptionAppTest.Multipart form = new TranscriptionAppTest.Multipart();
            for (int i = 0; i < n; i++) {
                form.field("note", "x");
            }
            return form.file("image", "a.png", RequestReader.PNG, pngs.get(0)).body();
        };
        byte[] hugePart = new TranscriptionAppTest.Multipart()
                .file("image", "big.png", RequestReader.PNG, new byte[(int) MAX_BODY + 10]).body();
        String path = TranscriptionApp.TRANSCRIBE;
        return Stream.of(
                attack("box far larger than the image", () -> post(path + "?box=0,0,10000,10000", RequestReader.PNG,
                        pngs.get(0)), 400, "more than 2 times the"),
                attack("box OpenCV cannot allocate", () -> post(path + "?box=0,0,1000000,1000000", RequestReader.PNG,
                        pngs.get(0)), 400, "more than 2 times the"),
                attack("box whose expansion overflows int", () -> post(path + "?box=" + ABSURD_BOX, RequestReader.PNG,
                        pngs.get(0)), 400, "more than 2 times the"),
                attack("multipart part over the limit, chunked", () -> RawHttp.exchange(service.app.port(),
                        head("POST", path, "Content-Type: " + multipart, "Transfer-Encoding: chunked"),
                        chunked(hugePart, 65536)), 413, "over a limit (" + MAX_BODY + " bytes"),
                attack("empty multipart body", () -> post(path, multipart, new byte[0]), 400, "multipart"),
                attack("more than 1000 multipart parts", () -> post(path, multipart, parts.apply(1001)), 413, "parts"),
                attack("malformed chunk size", () -> RawHttp.exchange(service.app.port(),
                        head("POST", path, "Content-Type: " + RequestReader.PNG, "Transfer-Encoding: chunked"),
                        utf8("zz\r\nhello\r\n0\r\n\r\n")), 400, "malformed"),
                attack("batch larger than the queue", () -> post(TranscriptionApp.TRANSCRIBE_BATCH, RequestReader.JSON,
                        utf8("{\"images\": [" + String.join(",", Collections.nCopies(QUEUE + 1,
                                "{\"image\": \"" + b64(solidPng(8, 8, Color.GRAY)) + "\"}")) + "]}")), 413, "queue holds " + QUEUE),
                attack("wrong method", () -> RawHttp.exchange(service.app.port(), head("GET", path), new byte[0]),
                        405, "not allowed"),
                attack("JSON with trailing garbage", () -> post(path, RequestReader.JSON,
                        utf8("{\"image\": \"" + b64(pngs.get(0)) + "\"} {\"more\": 1}")), 400, "trailing"),
                attack("v2 shape disagrees with data", () -> post("/v2/models/" + modelId + "/infer", RequestReader.JSON,
                        utf8(v2Infer(", \"shape\": [3]", 2))), 400, "shape [3]"),
                attack("v2 shape missing", () -> post("/v2/models/" + modelId + "/infer", RequestReader.JSON,
                        utf8(v2Infer("", 1))), 400, "shape"),
                attack("foreign Host (DNS rebinding)", () -> RawHttp.exchange(service.app.port(),
                        "GET /v2/health/live HTTP/1.1\r\nHost: attacker.example:" + service.app.port(), new byte[0]),
                        403, "attacker.example"),
                attack("cross-site form post", () -> post(path, RequestReader.PNG, pngs.get(0),
                        "Origin: http://attacker.example"), 403, "attacker.example"));
    }

    private static Arguments attack(String name, java.util.function.Supplier<RawHttp.Answer> send, int status,
            String phrase) {
        return Arguments.of(name, send, status, phrase);
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("attacks")
    void eachAttackGetsItsStatusOneLogLineAndLeavesTheServiceAnsweringAsBefore(String what,
            java.util.function.Supplier<RawHttp.Answer> send, int status, String phrase) {
        log.list.clear();
        RawHttp.Answer answer = send.get();
        assertEquals(status, answer.status(), what + ": " + answer.body());
        String type = answer.header("Content-Type");
        assertTrue(type != null && type.startsWith(RequestReader.JSON), what + ": content type " + type);
        String error = json(answer.body()).path("error").asText();
        assertTrue(error.toLowerCase(Locale.ROOT).contains(phrase.toLowerCase(Locale.ROOT)),
                what + ": error '" + error + "' should mention '" + phrase + "'");
        assertEquals("nosniff", answer.header("X-Content-Type-Options"), what);
        if (status == 405) {
            assertEquals("POST", answer.header("Allow"), what);
        }
        List<ILoggingEvent> lines = List.copyOf(log.list);
        assertTrue(lines.stream().noneMatch(e -> e.getThrowableProxy() != null),
                what + ": a client's error logged a stack trace: " + lines);
        assertTrue(lines.size() <= 1, what + ": logged " + lines.size() + " lines: " + lines);
        assertEquals(baseline, normalAnswer(service), what + ": the next normal request was answered differently");
    }

    static JsonNode json(String body) {
        try {
            return ServiceUnderTest.JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    @Test
    void aBodyThatStallsIsDroppedAfterTheRequestTimeoutWithoutAStackTrace() {
        int timeoutMs = 1500;
        ServeConfig quick = config().withLimits(QUEUE, timeoutMs, MAX_BODY, ServeConfig.DEFAULT_MAX_PIXELS);
        try (ServiceUnderTest s = new ServiceUnderTest(servedModel(), quick)) {
            log.list.clear();
            byte[] png = pngs.get(0);
            RawHttp.Answer answer = RawHttp.exchange(s.app.port(), "POST " + TranscriptionApp.TRANSCRIBE
                    + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\nContent-Length: " + png.length,
                    java.util.Arrays.copyOf(png, png.length / 2));
            // Jetty may close the connection at its idle timeout before anything is written.
            assertTrue(answer.status() == 0 || answer.status() == 408, answer.status() + ": " + answer.body());
            List<ILoggingEvent> lines = List.copyOf(log.list);
            assertTrue(lines.stream().noneMatch(e -> e.getThrowableProxy() != null), "stack trace logged: " + lines);
            assertTrue(lines.size() <= 1, "logged " + lines + "");
            assertEquals(baseline, normalAnswer(s));
        }
    }

    @Test
    void responsesSayNosniffAndWrongMethodsGet405WithAllow() {
        var ok = service.get(OpenInferenceProtocol.LIVE);
        assertEquals("nosniff", ok.headers().firstValue("X-Content-Type-Options").orElse(""));
        var missing = service.get("/v1/nothing");
        assertEquals(404, missing.statusCode());
        assertEquals("nosniff", missing.headers().firstValue("X-Content-Type-Options").orElse(""));
        RawHttp.Answer delete = RawHttp.exchange(service.app.port(), head("DELETE", OpenInferenceProtocol.LIVE),
                new byte[0]);
        assertEquals(405, delete.status(), delete.body());
        assertEquals("GET", delete.header("Allow"));
        RawHttp.Answer localhost = RawHttp.exchange(service.app.port(),
                "GET /v2/health/live HTTP/1.1\r\nHost: localhost:" + service.app.port(), new byte[0]);
        assertEquals(200, localhost.status(), "localhost is an allowed host by default: " + localhost.body());
        RawHttp.Answer sameOrigin = post(TranscriptionApp.TRANSCRIBE + boxQuery(boxes.get(0)), RequestReader.PNG,
                pngs.get(0), "Origin: http://127.0.0.1:" + service.app.port());
        assertEquals(200, sameOrigin.status(), "the upload page's own origin may post: " + sameOrigin.body());
    }

    /**
     * A web page at another origin whose host is allowed (localhost here, on another port) may call the
     * API: the browser's preflight is answered, and the answer names that origin; a foreign origin's
     * preflight gets the 403 its request would, and a request without an Origin gets no CORS header.
     */
    @Test
    void aPageAtAnAllowedOriginMayCallTheApiFromTheBrowser() {
        String origin = "http://localhost:3000";
        RawHttp.Answer preflight = RawHttp.exchange(service.app.port(), head("OPTIONS", TranscriptionApp.TRANSCRIBE,
                "Origin: " + origin, "Access-Control-Request-Method: POST",
                "Access-Control-Request-Headers: content-type"), new byte[0]);
        assertTrue(preflight.status() == 200 || preflight.status() == 204, preflight.status() + " " + preflight.body());
        assertEquals(origin, preflight.header("Access-Control-Allow-Origin"));
        assertTrue(preflight.header("Access-Control-Allow-Methods").contains("POST"), preflight.headers().toString());
        assertTrue(preflight.header("Access-Control-Allow-Headers").toLowerCase(java.util.Locale.ROOT)
                .contains("content-type"), preflight.headers().toString());
        assertEquals(String.valueOf(TranscriptionApp.CORS_MAX_AGE_SECONDS), preflight.header("Access-Control-Max-Age"));

        RawHttp.Answer post = post(TranscriptionApp.TRANSCRIBE + boxQuery(boxes.get(0)), RequestReader.PNG, pngs.get(0),
                "Origin: " + origin);
        assertEquals(200, post.status(), post.body());
        assertEquals(origin, post.header("Access-Control-Allow-Origin"));
        assertTrue(post.header("Vary").contains("Origin"), post.headers().toString());
        assertTrue(post.header("Access-Control-Expose-Headers").contains("Retry-After"), post.headers().toString());

        RawHttp.Answer foreign = RawHttp.exchange(service.app.port(), head("OPTIONS", TranscriptionApp.TRANSCRIBE,
                "Origin: http://attacker.example", "Access-Control-Request-Method: POST"), new byte[0]);
        assertEquals(403, foreign.status(), foreign.body());
        assertEquals(null, foreign.header("Access-Control-Allow-Origin"));
        RawHttp.Answer plain = post(TranscriptionApp.TRANSCRIBE + boxQuery(boxes.get(0)), RequestReader.PNG, pngs.get(0));
        assertEquals(200, plain.status(), plain.body());
        assertEquals(null, plain.header("Access-Control-Allow-Origin"), "no Origin, no CORS answer");
    }

    /** A calling system's request id comes back on the answer, refusals too; one is made for a request without one. */
    @Test
    void theRequestIdIsEchoedOrMade() {
        RawHttp.Answer named = post(TranscriptionApp.TRANSCRIBE + boxQuery(boxes.get(0)), RequestReader.PNG, pngs.get(0),
                TranscriptionApp.REQUEST_ID_HEADER + ": job-17/photo-3");
        assertEquals(200, named.status(), named.body());
        assertEquals("job-17/photo-3", named.header(TranscriptionApp.REQUEST_ID_HEADER));
        RawHttp.Answer refused = post(TranscriptionApp.TRANSCRIBE, RequestReader.PNG, utf8("not a png"),
                TranscriptionApp.REQUEST_ID_HEADER + ": bad-upload-1");
        assertEquals(400, refused.status(), refused.body());
        assertEquals("bad-upload-1", refused.header(TranscriptionApp.REQUEST_ID_HEADER));
        java.util.regex.Pattern uuid = java.util.regex.Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        RawHttp.Answer unnamed = RawHttp.exchange(service.app.port(), head("GET", OpenInferenceProtocol.LIVE), new byte[0]);
        assertTrue(uuid.matcher(unnamed.header(TranscriptionApp.REQUEST_ID_HEADER)).matches(), unnamed.headers().toString());
        for (String unfit : List.of("has space", "x".repeat(TranscriptionApp.MAX_REQUEST_ID + 1))) {
            RawHttp.Answer replaced = RawHttp.exchange(service.app.port(), head("GET", OpenInferenceProtocol.LIVE,
                    TranscriptionApp.REQUEST_ID_HEADER + ": " + unfit), new byte[0]);
            assertTrue(uuid.matcher(replaced.header(TranscriptionApp.REQUEST_ID_HEADER)).matches(),
                    unfit + " -> " + replaced.headers());
        }
        String longest = "y".repeat(TranscriptionApp.MAX_REQUEST_ID);
        assertEquals(longest, RawHttp.exchange(service.app.port(), head("GET", OpenInferenceProtocol.LIVE,
                TranscriptionApp.REQUEST_ID_HEADER + ": " + longest), new byte[0]).header(TranscriptionApp.REQUEST_ID_HEADER));
    }

    // ---- micro-batch isolation ------------------------------------------------------------------

    /** The real model behind a gate: the first batch waits until the test opens it. */
    static final class GatedModel implements BatchTranscriber {
        final BatchTranscriber model;
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch open = new CountDownLatch(1);
        final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        volatile boolean failOnPoison;

        GatedModel(BatchTranscriber model) {
            this.model = model;
        }

        @Override
        public List<Transcription> transcribe(List<Queued> images) {
            batchSizes.add(images.size());
            entered.countDown();
            try {
                open.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (failOnPoison && images.stream().anyMatch(q -> isPoison(q.pixels()))) {
                throw new IllegalStateException("the model cannot read this input");
            }
            return model.transcribe(images);
        }
    }

    static final Color POISON = new Color(255, 0, 255);

    /** A solid magenta image: the gated model fails on any batch holding one (as a model bug would). */
    static boolean isPoison(Mat image) {
        BytePointer corner = image.ptr(0, 0);
        BytePointer middle = image.ptr(image.rows() / 2, image.cols() / 2);
        return (corner.get(0) & 0xff) == 255 && corner.get(1) == 0 && (corner.get(2) & 0xff) == 255
                && (middle.get(0) & 0xff) == 255 && middle.get(1) == 0 && (middle.get(2) & 0xff) == 255;
    }

    static byte[] solidPng(int width, int height, Color colour) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, colour.getRGB());
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Test
    void aBadBoxInABatchGetsItsOwn400AndTheOthersTheirAnswers() throws Exception {
        assertIsolated(false, TranscriptionApp.TRANSCRIBE + "?box=" + ABSURD_BOX, pngs.get(1), 400, "more than 2 times the");
    }

    @Test
    void anInputTheModelFailsOnGetsItsOwn500AndTheOthersTheirAnswers() throws Exception {
        assertIsolated(true, TranscriptionApp.TRANSCRIBE, solidPng(40, 20, POISON), 500, "the model failed");
    }

    /**
     * Holds the worker with one request, queues one bad and {@link #IMAGES} good requests behind it so
     * that they share the next batch, then lets it run.
     */
    private void assertIsolated(boolean failOnPoison, String badPath, byte[] badBody, int badStatus, String phrase)
            throws Exception {
        GatedModel gated = new GatedModel(servedModel());
        gated.failOnPoison = failOnPoison;
        try (ServiceUnderTest s = new ServiceUnderTest(gated, config())) {
            CompletableFuture<java.net.http.HttpResponse<String>> blocker = s.client.sendAsync(
                    s.post(TranscriptionApp.TRANSCRIBE + boxQuery(boxes.get(0)), RequestReader.PNG, pngs.get(0)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertTrue(gated.entered.await(60, TimeUnit.SECONDS), "the worker never took the first request");
            CompletableFuture<java.net.http.HttpResponse<String>> bad = s.client.sendAsync(
                    s.post(badPath, RequestReader.PNG, badBody).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            List<CompletableFuture<java.net.http.HttpResponse<String>>> good = new ArrayList<>();
            for (int i = 0; i < IMAGES; i++) {
                good.add(s.client.sendAsync(s.post(TranscriptionApp.TRANSCRIBE + boxQuery(boxes.get(i)),
                        RequestReader.PNG, pngs.get(i)).build(), java.net.http.HttpResponse.BodyHandlers.ofString()));
            }
            // The bad request either is refused before the queue or waits in it beside the good ones.
            awaitQueued(s, IMAGES, bad);
            gated.open.countDown();

            assertEquals(200, blocker.get(60, TimeUnit.SECONDS).statusCode());
            var badAnswer = bad.get(60, TimeUnit.SECONDS);
            assertEquals(badStatus, badAnswer.statusCode(), badAnswer.body());
            assertTrue(ServiceUnderTest.json(badAnswer).get("error").asText().contains(phrase), badAnswer.body());
            for (int i = 0; i < IMAGES; i++) {
                var r = good.get(i).get(60, TimeUnit.SECONDS);
                assertEquals(200, r.statusCode(), "good request " + i + " beside a bad one: " + r.body());
                assertEvaluatorAnswer(i, ServiceUnderTest.json(r), "good request " + i);
            }
            assertTrue(gated.batchSizes.size() >= 2 && gated.batchSizes.get(1) >= IMAGES,
                    "the good requests shared one batch: " + gated.batchSizes);
        }
    }

    private static void awaitQueued(ServiceUnderTest s, int good, CompletableFuture<?> bad) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            double depth = s.registry.get("streetnum.queue.depth").gauge().value();
            if (depth >= good + 1 || depth >= good && bad.isDone()) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("the requests never queued up behind the first");
    }

    // ---- bursts ---------------------------------------------------------------------------------

    @Test
    void twoHundredClientsConnectingAtOnceAreAllAnswered() throws Exception {
        ServerConnector connector = (ServerConnector) service.app.jettyServer().server().getConnectors()[0];
        assertTrue(connector.getAcceptQueueSize() >= MIN_BACKLOG,
                "accept backlog " + connector.getAcceptQueueSize() + " would overflow under a burst of " + BURST_CLIENTS);
        ExecutorService clients = Executors.newFixedThreadPool(BURST_CLIENTS);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<RawHttp.Answer>> answers = new ArrayList<>();
            for (int k = 0; k < BURST_CLIENTS; k++) {
                int i = k % IMAGES;
                answers.add(clients.submit(() -> {
                    go.await();
                    return post(TranscriptionApp.TRANSCRIBE + boxQuery(boxes.get(i)), RequestReader.PNG, pngs.get(i));
                }));
            }
            go.countDown();
            for (int k = 0; k < BURST_CLIENTS; k++) {
                RawHttp.Answer a = answers.get(k).get(2, TimeUnit.MINUTES);
                assertEquals(200, a.status(), "client " + k + ": " + a.body());
                assertEvaluatorAnswer(k % IMAGES, json(a.body()), "client " + k);
            }
        } finally {
            clients.shutdownNow();
        }
        assertNotNull(normalAnswer(service));
    }
}
