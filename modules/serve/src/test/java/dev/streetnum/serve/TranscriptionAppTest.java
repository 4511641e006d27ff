package dev.streetnum.serve;

import static dev.streetnum.serve.ServiceUnderTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streetnum.data.Box;
import dev.streetnum.onnx.Engine;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every endpoint over real HTTP on loopback, with a fake model whose answers are predictable. */
class TranscriptionAppTest {

    static final String MODEL = "fake-1";
    static final double THRESHOLD = 0.5;

    FakeTranscriber model;
    ServiceUnderTest service;

    @BeforeEach
    void start() {
        model = new FakeTranscriber();
        service = new ServiceUnderTest(model, ServeConfig.defaults(MODEL, THRESHOLD));
    }

    @AfterEach
    void stop() {
        service.close();
    }

    /** The answer the service must give for an image of this width, read off the fake by hand. */
    static void assertAnswerFor(int width, JsonNode answer) {
        String text = Integer.toString(width);
        boolean accepted = width % 2 == 0;
        assertEquals(accepted, answer.get("accepted").asBoolean(), answer.toString());
        assertEquals(text, answer.get("candidate").asText());
        if (accepted) {
            assertEquals(text, answer.get("text").asText());
        } else {
            assertTrue(answer.get("text").isNull(), "a refused answer has no text: " + answer);
        }
        double confidence = accepted ? FakeTranscriber.CONFIDENT : FakeTranscriber.UNSURE;
        assertEquals(confidence, answer.get("confidence").asDouble(), 1e-12);
        assertEquals(THRESHOLD, answer.get("threshold").asDouble(), 1e-12);
        assertEquals(MODEL, answer.get("model").asText());
        assertTrue(answer.get("elapsedMs").asDouble() >= 0);
        JsonNode positions = answer.get("positions");
        assertEquals(text.length(), positions.size());
        for (int i = 0; i < text.length(); i++) {
            assertEquals(text.charAt(i) - '0', positions.get(i).get("digit").asInt());
            assertEquals(Math.pow(confidence, 1.0 / text.length()), positions.get(i).get("probability").asDouble(), 1e-12);
        }
        assertEquals(1.0, answer.get("lengthProbabilities").get(text.length()).asDouble());
        assertEquals(text + "1", answer.get("alternatives").get(0).get("text").asText());
    }

    @Test
    void rawPngBodyIsTranscribedAndJudgedAgainstTheThreshold() {
        HttpResponse<String> refused = service.postBytes("/v1/transcribe", "image/png", TestImages.png(123, 40));
        assertEquals(200, refused.statusCode(), refused.body());
        assertAnswerFor(123, json(refused));

        HttpResponse<String> accepted = service.postBytes("/v1/transcribe", "image/png", TestImages.png(124, 40));
        assertEquals(200, accepted.statusCode(), accepted.body());
        assertAnswerFor(124, json(accepted));
        assertEquals(FakeTranscriber.NO_REGION, model.regions.get(1), "no box means the whole image");
    }

    @Test
    void rawJpegBodyWithQueryBoxPassesTheBoxToTheModel() {
        HttpResponse<String> r = service.postBytes("/v1/transcribe?box=3,4,50,20", "image/jpeg",
                TestImages.jpeg(96, 48));
        assertEquals(200, r.statusCode(), r.body());
        assertAnswerFor(96, json(r));
        assertEquals(List.of(new Box(3, 4, 50, 20)), model.regions);
    }

    @Test
    void multipartUploadWithBoxField() {
        Multipart form = new Multipart().file("image", "house.png", "image/png", TestImages.png(88, 30))
                .field("box", "1,2,30,20");
        HttpResponse<String> r = service.postBytes("/v1/transcribe", form.contentType(), form.body());
        assertEquals(200, r.statusCode(), r.body());
        assertAnswerFor(88, json(r));
        assertEquals(List.of(new Box(1, 2, 30, 20)), model.regions);
    }

    @Test
    void jsonWithBase64AndBox() {
        ObjectNode body = imageJson(TestImages.png(77, 30), new Box(5, 6, 20, 10));
        HttpResponse<String> r = service.postBytes("/v1/transcribe", "application/json", bytes(body));
        assertEquals(200, r.statusCode(), r.body());
        assertAnswerFor(77, json(r));
        assertEquals(List.of(new Box(5, 6, 20, 10)), model.regions);
    }

    @Test
    void batchEndpointAnswersInOrderForJsonAndMultipart() {
        ObjectNode body = ServiceUnderTest.JSON.createObjectNode();
        ArrayNode images = body.putArray("images");
        int[] widths = {101, 102, 250};
        for (int w : widths) {
            images.add(imageJson(TestImages.png(w, 20), null));
        }
        HttpResponse<String> r = service.postBytes("/v1/transcribe:batch", "application/json", bytes(body));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode results = json(r).get("results");
        assertEquals(widths.length, results.size());
        for (int i = 0; i < widths.length; i++) {
            assertAnswerFor(widths[i], results.get(i));
        }
        assertEquals(MODEL, json(r).get("model").asText());

        Multipart form = new Multipart().file("image", "a.png", "image/png", TestImages.png(310, 20))
                .file("image", "b.jpg", "image/jpeg", TestImages.jpeg(411, 20));
        HttpResponse<String> m = service.postBytes("/v1/transcribe:batch", form.contentType(), form.body());
        assertEquals(200, m.statusCode(), m.body());
        assertAnswerFor(310, json(m).get("results").get(0));
        assertAnswerFor(411, json(m).get("results").get(1));
    }

    /** A stray '&' leaves an empty pair in the query, which names no parameter: it is not refused. */
    @Test
    void anEmptyQueryPairIsNoParameter() {
        HttpResponse<String> r = service.postBytes("/v1/transcribe?box=3,4,50,20&", "image/png", TestImages.png(90, 40));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(new Box(3, 4, 50, 20), model.regions.get(model.regions.size() - 1));
    }

    @Test
    void aJsonBatchTakesTheQueryBoxForImagesWithoutTheirOwn() {
        ObjectNode body = ServiceUnderTest.JSON.createObjectNode();
        body.putArray("images").add(imageJson(TestImages.png(90, 40), null))
                .add(imageJson(TestImages.png(92, 40), new Box(5, 6, 20, 10)));
        HttpResponse<String> r = service.postBytes("/v1/transcribe:batch?box=3,4,50,20", "application/json", bytes(body));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(List.of(new Box(3, 4, 50, 20), new Box(5, 6, 20, 10)), model.regions);
    }

    @Test
    void openInferenceProtocolV2() {
        assertEquals(200, service.get("/v2/health/live").statusCode());
        HttpResponse<String> ready = service.get("/v2/health/ready");
        assertEquals(200, ready.statusCode());
        assertTrue(json(ready).get("ready").asBoolean());
        assertEquals("streetnum", json(service.get("/v2")).get("name").asText());

        HttpResponse<String> metadata = service.get("/v2/models/" + MODEL);
        assertEquals(200, metadata.statusCode(), metadata.body());
        JsonNode m = json(metadata);
        assertEquals(MODEL, m.get("name").asText());
        assertEquals("image", m.get("inputs").get(0).get("name").asText());
        assertEquals("BYTES", m.get("inputs").get(0).get("datatype").asText());
        assertEquals("box", m.get("inputs").get(1).get("name").asText());
        assertEquals("INT32", m.get("inputs").get(1).get("datatype").asText());
        assertEquals("[-1,4]", m.get("inputs").get(1).get("shape").toString());
        List<String> outputs = new ArrayList<>();
        m.get("outputs").forEach(o -> outputs.add(o.get("name").asText()));
        assertEquals(List.of("transcription", "confidence", "accepted", "candidate"), outputs);
        // What answers are judged by, and what their confidence is on each path (one model: its P(S|x)).
        assertEquals(THRESHOLD, m.get("parameters").get("threshold").asDouble(), 1e-12);
        assertEquals("mean-heads", m.get("parameters").get("score").asText());
        assertEquals("mean-heads", m.get("parameters").get("score_no_box").asText());
        // The protocol's model readiness and versioned paths: the one version is the model id.
        HttpResponse<String> modelReady = service.get("/v2/models/" + MODEL + "/ready");
        assertEquals(200, modelReady.statusCode(), modelReady.body());
        assertEquals(MODEL, json(modelReady).get("name").asText());
        assertTrue(json(modelReady).get("ready").asBoolean());
        assertEquals(MODEL, m.get("versions").get(0).asText());
        assertEquals(metadata.body(), service.get("/v2/models/" + MODEL + "/versions/" + MODEL).body());
        assertEquals(200, service.get("/v2/models/" + MODEL + "/versions/" + MODEL + "/ready").statusCode());
        HttpResponse<String> otherVersion = service.get("/v2/models/" + MODEL + "/versions/7");
        assertEquals(404, otherVersion.statusCode());
        assertEquals("model '" + MODEL + "' has no version '7'; its one version is '" + MODEL + "'",
                json(otherVersion).get("error").asText());

        ObjectNode request = ServiceUnderTest.JSON.createObjectNode().put("id", "req-7");
        ObjectNode input = request.putArray("inputs").addObject().put("name", "image").put("datatype", "BYTES");
        input.putArray("shape").add(2);
        input.putArray("data").add(base64(TestImages.png(222, 20))).add(base64(TestImages.png(333, 20)));
        HttpResponse<String> r = service.postBytes("/v2/models/" + MODEL + "/infer", "application/json", bytes(request));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode answer = json(r);
        assertEquals("req-7", answer.get("id").asText());
        assertEquals(MODEL, answer.get("model_name").asText());
        JsonNode out = answer.get("outputs");
        assertEquals("transcription", out.get(0).get("name").asText());
        assertEquals(2, out.get(0).get("shape").get(0).asInt());
        assertEquals("222", out.get(0).get("data").get(0).asText());
        assertEquals("", out.get(0).get("data").get(1).asText(), "a refused image has no transcription");
        assertEquals(FakeTranscriber.UNSURE, out.get(1).get("data").get(1).asDouble(), 1e-12);
        assertTrue(out.get(2).get("data").get(0).asBoolean());
        assertFalse(out.get(2).get("data").get(1).asBoolean());
        assertEquals("333", out.get(3).get("data").get(1).asText());
    }

    /** Detector boxes in a v2 request reach the model with their images, flat (the protocol's form) or as rows. */
    @Test
    void openInferenceProtocolV2WithBoxes() {
        for (boolean rows : new boolean[] {false, true}) {
            model.regions.clear();
            ObjectNode request = ServiceUnderTest.JSON.createObjectNode();
            var inputs = request.putArray("inputs");
            ObjectNode image = inputs.addObject().put("name", "image").put("datatype", "BYTES");
            image.putArray("shape").add(2);
            image.putArray("data").add(base64(TestImages.png(222, 20))).add(base64(TestImages.png(333, 20)));
            ObjectNode box = inputs.addObject().put("name", "box").put("datatype", rows ? "INT64" : "INT32");
            box.putArray("shape").add(2).add(4);
            var data = box.putArray("data");
            if (rows) {
                data.addArray().add(1).add(2).add(30).add(10);
                data.addArray().add(5).add(0).add(40).add(12);
            } else {
                data.add(1).add(2).add(30).add(10).add(5).add(0).add(40).add(12);
            }
            HttpResponse<String> r = service.postBytes("/v2/models/" + MODEL + "/infer", "application/json", bytes(request));
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(List.of(new Box(1, 2, 30, 10), new Box(5, 0, 40, 12)), model.regions, "rows " + rows);
            JsonNode out = json(r).get("outputs");
            assertEquals("222", out.get(0).get("data").get(0).asText());
            assertEquals("333", out.get(3).get("data").get(1).asText());
        }
    }

    /** The v2 model metadata's platform is the engine serving, by its --engine name, whichever it is. */
    @ParameterizedTest
    @EnumSource(Engine.class)
    void v2PlatformNamesTheEngineServing(Engine engine) {
        service.close();
        service = new ServiceUnderTest(model, ServeConfig.defaults(MODEL, THRESHOLD).withEngine(engine));
        HttpResponse<String> metadata = service.get("/v2/models/" + MODEL);
        assertEquals(200, metadata.statusCode(), metadata.body());
        assertEquals(engine.label(), json(metadata).get("platform").asText());
    }

    /**
     * Refusals and P(S|x) per path, as the thresholds divide answers: the fake's answers (0.9 for an even
     * width, 0.3 for an odd one, refused at 0.5) in a caller's box and in the box a localizer found.
     */
    @Test
    void metricsWatchEachPathsRefusalsAndConfidence() {
        service.close();
        service = new ServiceUnderTest(OpenApiDocumentTest.localizing(model), ServeConfig.defaults(MODEL, THRESHOLD));
        service.postBytes("/v1/transcribe?box=1,1,20,10", "image/png", TestImages.png(124, 20)); // box, 0.9
        service.postBytes("/v1/transcribe?box=1,1,20,10", "image/png", TestImages.png(123, 20)); // box, 0.3: refused
        service.postBytes("/v1/transcribe", "image/png", TestImages.png(125, 20)); // no box, 0.3: refused
        service.postBytes("/v1/transcribe", "image/png", TestImages.png(127, 20)); // no box, 0.3: refused
        String text = service.get("/metrics").body();
        assertTrue(metric(text, "streetnum_refusals_total", "path=\"box\"", "1.0"), text);
        assertTrue(metric(text, "streetnum_refusals_total", "path=\"no-box\"", "2.0"), text);
        assertTrue(metric(text, "streetnum_confidence_count", "path=\"box\"", "2"), text);
        assertTrue(metric(text, "streetnum_confidence_count", "path=\"no-box\"", "2"), text);
        assertTrue(metric(text, "streetnum_confidence_sum", "path=\"box\"", "1.2"), text);
        assertTrue(metric(text, "streetnum_confidence_sum", "path=\"no-box\"", "0.6"), text);
        assertTrue(metric(text, "streetnum_confidence_max", "path=\"box\"", "0.9"), text);
    }

    /** Whether a sample of {@code name} with every label given has the value (the last argument). */
    private static boolean metric(String text, String name, String... labelsThenValue) {
        String value = labelsThenValue[labelsThenValue.length - 1];
        return text.lines().anyMatch(line -> {
            if (!line.startsWith(name + "{") || !line.endsWith("} " + value)) {
                return false;
            }
            String labels = line.substring(name.length() + 1, line.lastIndexOf('}'));
            return java.util.Arrays.stream(labelsThenValue, 0, labelsThenValue.length - 1)
                    .allMatch(l -> java.util.Arrays.asList(labels.split(",")).contains(l));
        });
    }

    @Test
    void metricsCountRequestsBatchesAndRefusals() {
        service.postBytes("/v1/transcribe", "image/png", TestImages.png(123, 20)); // refused
        service.postBytes("/v1/transcribe", "text/plain", "hello".getBytes(StandardCharsets.UTF_8)); // 415
        HttpResponse<String> r = service.get("/metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        String text = r.body();
        assertTrue(metric(text, "streetnum_refusals_total", "path=\"box\"", "1.0"), text);
        assertTrue(text.contains("streetnum_batch_size_count 1"), text);
        assertTrue(text.contains("streetnum_queue_depth 0.0"), text);
        assertTrue(text.contains("streetnum_queue_rejections_total 0.0"), text);
        assertTrue(text.matches("(?s).*streetnum_http_requests_seconds_bucket\\{[^}]*route=\"/v1/transcribe\""
                + "[^}]*status=\"200\"[^}]*}.*"), text);
        assertTrue(text.matches("(?s).*streetnum_http_requests_seconds_count\\{[^}]*status=\"415\"[^}]*} 1.*"), text);
    }

    @Test
    void thePageAndItsFilesAreServedUnderAContentSecurityPolicy() {
        HttpResponse<String> page = service.get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("/page/page.js") && page.body().contains("/page/page.css"), page.body());
        // The page links the API's description for the programmers who open it, and the link answers.
        assertTrue(page.body().contains("href=\"" + OpenApiDocument.PATH + "\""), page.body());
        assertEquals(200, service.get(OpenApiDocument.PATH).statusCode());
        assertEquals(ServicePage.CONTENT_SECURITY_POLICY,
                page.headers().firstValue("Content-Security-Policy").orElse(""));

        HttpResponse<String> script = service.get("/page/page.js");
        assertEquals(200, script.statusCode());
        assertTrue(script.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
        assertTrue(script.body().contains(TranscriptionApp.TRANSCRIBE), "the script calls the service");
        assertFalse(script.body().contains("innerHTML"), "the page never inserts HTML");
        HttpResponse<String> style = service.get("/page/page.css");
        assertEquals(200, style.statusCode());
        assertTrue(style.headers().firstValue("Content-Type").orElse("").startsWith("text/css"));

        HttpResponse<String> missing = service.get("/page/index.html");
        assertEquals(404, missing.statusCode(), missing.body());
        assertTrue(json(missing).get("error").asText().contains("no file"), missing.body());
    }

    @Test
    void explainMustBeTrueOrFalse() {
        HttpResponse<String> r = service.postBytes("/v1/transcribe?explain=maybe", "image/png", TestImages.png(124, 40));
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(json(r).get("error").asText().contains("'explain'"), r.body());
        HttpResponse<String> plain = service.postBytes("/v1/transcribe?explain=false", "image/png",
                TestImages.png(124, 40));
        assertEquals(200, plain.statusCode(), plain.body());
        assertFalse(json(plain).has("explanation"), plain.body());
    }

    @Test
    void twoHundredConcurrentRequestsAreBatchedAndEachGetsItsOwnAnswer() {
        model.sleepMs = 20; // a slow model lets the queue build up, as under real load
        int requests = 200;
        List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            pending.add(service.client.sendAsync(
                    service.post("/v1/transcribe", "image/png", TestImages.png(100 + i, 16)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < requests; i++) {
            HttpResponse<String> r = pending.get(i).join();
            assertEquals(200, r.statusCode(), r.body());
            assertAnswerFor(100 + i, json(r));
        }
        assertEquals(requests, model.batchSizes.stream().mapToInt(Integer::intValue).sum());
        int largest = Collections.max(model.batchSizes);
        assertTrue(largest > 1, "expected micro-batches above 1, saw " + model.batchSizes);
        assertTrue(largest <= ServeConfig.DEFAULT_MAX_BATCH, "batch above max-batch: " + model.batchSizes);
    }

    static ObjectNode imageJson(byte[] image, Box box) {
        ObjectNode node = ServiceUnderTest.JSON.createObjectNode().put("image", base64(image));
        if (box != null) {
            node.putObject("box").put("left", box.left()).put("top", box.top())
                    .put("width", box.width()).put("height", box.height());
        }
        return node;
    }

    static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    static byte[] bytes(JsonNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A multipart/form-data body, written by hand as a browser would. */
    static final class Multipart {
        private static final String BOUNDARY = "streetnum-test-boundary";
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Multipart file(String field, String filename, String type, byte[] content) {
            text("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\""
                    + filename + "\"\r\nContent-Type: " + type + "\r\n\r\n");
            out.writeBytes(content);
            text("\r\n");
            return this;
        }

        Multipart field(String field, String value) {
            text("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + field + "\"\r\n\r\n" + value + "\r\n");
            return this;
        }

        String contentType() {
            return "multipart/form-data; boundary=" + BOUNDARY;
        }

        byte[] body() {
            ByteArrayOutputStream copy = new ByteArrayOutputStream();
            copy.writeBytes(out.toByteArray());
            copy.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
            return copy.toByteArray();
        }

        private void text(String s) {
            out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        }
    }
}
