package dev.streetnum.serve;

import static dev.streetnum.serve.ServiceUnderTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streetnum.data.Box;
import dev.streetnum.data.StreetnumVersion;
import dev.streetnum.model.BoxSource;
import dev.streetnum.model.Transcription;
import io.javalin.http.HandlerType;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /openapi.json} against the service it describes, over real HTTP: the document names
 * exactly the routes Javalin registered, and every answer the service writes (each route, each
 * request form, errors too) has a documented status and matches the schema documented for it, with
 * no field the schema lacks. A hand-written document can only drift from the code by failing here.
 */
class OpenApiDocumentTest {

    static final String MODEL = "fake-openapi-1";
    static final double THRESHOLD = 0.5;
    /** Where the stand-in localizer "finds" the number, and a second localizer's candidate. */
    static final Box FOUND = new Box(2, 3, 20, 10);
    static final Box OTHER_FOUND = new Box(4, 3, 18, 10);
    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "options", "head", "patch",
            "trace");

    FakeTranscriber fake;
    ServiceUnderTest service;
    JsonNode document;
    SchemaCheck schemas;

    @BeforeEach
    void start() {
        fake = new FakeTranscriber();
        service = new ServiceUnderTest(localizing(fake), ServeConfig.defaults(MODEL, THRESHOLD));
        HttpResponse<String> served = service.get(OpenApiDocument.PATH);
        assertEquals(200, served.statusCode(), served.body());
        document = json(served);
        schemas = new SchemaCheck(document);
    }

    @AfterEach
    void stop() {
        service.close();
    }

    /**
     * The fake's answers with the regions a bundle with two localizers gives: the caller's box, or
     * without one the first candidate with both candidates' readings, so that every field of an
     * answer is filled in (the plain fake leaves {@code box} and {@code boxReadings} empty).
     */
    static BatchTranscriber localizing(FakeTranscriber fake) {
        return images -> {
            List<Transcription> read = fake.transcribe(images);
            List<Transcription> located = new ArrayList<>(read.size());
            for (int i = 0; i < read.size(); i++) {
                Transcription t = read.get(i);
                Box callerBox = images.get(i).callerBox();
                located.add(callerBox != null ? t.withBox(callerBox, BoxSource.CALLER)
                        : t.withBox(FOUND, BoxSource.LOCALIZED)
                                .withBoxReadings(List.of(t.asBoxReading(FOUND), t.asBoxReading(OTHER_FOUND))));
            }
            return located;
        };
    }

    @Test
    void servedAsJsonNamingTheServicesVersionAndModel() {
        HttpResponse<String> r = service.get(OpenApiDocument.PATH);
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith(RequestReader.JSON), r.headers().toString());
        assertEquals("nosniff", r.headers().firstValue(TranscriptionApp.NOSNIFF_HEADER).orElse(""));
        assertTrue(document.path("openapi").asText().startsWith("3.0."), document.path("openapi").toString());
        assertEquals(StreetnumVersion.VERSION, document.path("info").path("version").asText());
        assertEquals(MODEL, document.path("info").path(OpenApiDocument.MODEL_EXTENSION).asText());
        assertEquals(json(service.get(OpenInferenceProtocol.SERVER)).path("version").asText(),
                document.path("info").path("version").asText(), "the version GET /v2 reports");
    }

    @Test
    void documentsExactlyTheRoutesJavalinRegistered() {
        Set<String> registered = new TreeSet<>();
        service.app.unsafe.internalRouter.allHttpHandlers().forEach(parsed -> {
            HandlerType method = parsed.endpoint.method;
            if (method.isHttpMethod()) {
                registered.add(method.name() + " " + parsed.endpoint.path);
            }
        });
        assertTrue(registered.contains("GET " + OpenApiDocument.PATH), registered.toString());
        assertEquals(registered, documentedOperations(),
                "routes registered in TranscriptionApp and paths in " + OpenApiDocument.RESOURCE + " must be the same");
    }

    @Test
    void aTranscriptionAnswerHasExactlyTheDocumentedFields() {
        JsonNode documented = document.at("/components/schemas/TranscriptionAnswer/properties");
        for (String query : List.of("?box=3,4,50,20", "")) {
            HttpResponse<String> r = service.postBytes(TranscriptionApp.TRANSCRIBE + query, RequestReader.PNG,
                    TestImages.png(124, 40));
            assertEquals(200, r.statusCode(), r.body());
            JsonNode answer = json(r);
            assertEquals(fieldNames(documented), fieldNames(answer), "fields of " + answer);
            // Compared with the record too: a field Jackson would write but the fake left out is still missed.
            Set<String> components = new TreeSet<>();
            for (var component : TranscriptionAnswer.class.getRecordComponents()) {
                components.add(component.getName());
            }
            assertEquals(components, fieldNames(documented), "TranscriptionAnswer's components");
        }
        JsonNode readings = json(service.postBytes(TranscriptionApp.TRANSCRIBE, RequestReader.PNG,
                TestImages.png(124, 40))).get("boxReadings");
        assertEquals(2, readings.size(), "the answer checked must carry box readings: " + readings);
    }

    @Test
    void everyAnswerHasADocumentedStatusAndMatchesItsSchema() {
        ResponseCheck check = new ResponseCheck();
        byte[] png = TestImages.png(124, 40);
        String transcribe = TranscriptionApp.TRANSCRIBE;
        check.answer("POST", transcribe, service.postBytes(transcribe + "?box=3,4,50,20", RequestReader.PNG, png), 200);
        check.answer("POST", transcribe, service.postBytes(transcribe, RequestReader.JPEG, TestImages.jpeg(97, 40)), 200);
        TranscriptionAppTest.Multipart form = new TranscriptionAppTest.Multipart()
                .file("image", "house.png", RequestReader.PNG, png).field("box", "1,2,30,20");
        check.answer("POST", transcribe, service.postBytes(transcribe, form.contentType(), form.body()), 200);
        ObjectNode jsonImage = TranscriptionAppTest.imageJson(png, new Box(5, 6, 20, 10));
        check.answer("POST", transcribe, service.postBytes(transcribe, RequestReader.JSON,
                TranscriptionAppTest.bytes(jsonImage)), 200);
        HttpResponse<String> explained = service.postBytes(transcribe + "?explain=true", RequestReader.PNG, png);
        check.answer("POST", transcribe, explained, 200);
        assertTrue(json(explained).has("explanation"), explained.body());
        check.answer("POST", transcribe, service.postBytes(transcribe + "?explain=true&box=3,4,50,20",
                RequestReader.PNG, png), 200);
        check.answer("POST", transcribe, service.postBytes(transcribe + "?box=3,4,0,20", RequestReader.PNG, png), 400);
        check.answer("POST", transcribe, service.postBytes(transcribe, "text/plain",
                "hello".getBytes(StandardCharsets.UTF_8)), 415);

        String batch = TranscriptionApp.TRANSCRIBE_BATCH;
        ObjectNode images = ServiceUnderTest.JSON.createObjectNode();
        images.putArray("images").add(TranscriptionAppTest.imageJson(png, null))
                .add(TranscriptionAppTest.imageJson(TestImages.png(101, 20), new Box(1, 1, 10, 10)));
        check.answer("POST", batch, service.postBytes(batch, RequestReader.JSON, TranscriptionAppTest.bytes(images)), 200);
        TranscriptionAppTest.Multipart files = new TranscriptionAppTest.Multipart()
                .file("image", "a.png", RequestReader.PNG, png).file("image", "b.jpg", RequestReader.JPEG,
                        TestImages.jpeg(96, 30));
        check.answer("POST", batch, service.postBytes(batch, files.contentType(), files.body()), 200);
        check.answer("POST", batch, service.postBytes(batch, RequestReader.JSON,
                "{\"images\": []}".getBytes(StandardCharsets.UTF_8)), 400);

        check.answer("GET", OpenInferenceProtocol.SERVER, service.get(OpenInferenceProtocol.SERVER), 200);
        check.answer("GET", OpenInferenceProtocol.LIVE, service.get(OpenInferenceProtocol.LIVE), 200);
        check.answer("GET", OpenInferenceProtocol.READY, service.get(OpenInferenceProtocol.READY), 200);
        check.answer("GET", OpenInferenceProtocol.MODEL, service.get("/v2/models/" + MODEL), 200);
        check.answer("GET", OpenInferenceProtocol.MODEL, service.get("/v2/models/another"), 404);
        check.answer("GET", OpenInferenceProtocol.MODEL_READY, service.get("/v2/models/" + MODEL + "/ready"), 200);
        check.answer("GET", OpenInferenceProtocol.MODEL_READY, service.get("/v2/models/another/ready"), 404);
        String version = "/v2/models/" + MODEL + "/versions/" + MODEL;
        check.answer("GET", OpenInferenceProtocol.VERSION, service.get(version), 200);
        check.answer("GET", OpenInferenceProtocol.VERSION, service.get("/v2/models/" + MODEL + "/versions/2"), 404);
        check.answer("GET", OpenInferenceProtocol.VERSION_READY, service.get(version + "/ready"), 200);
        check.answer("GET", OpenInferenceProtocol.VERSION_READY, service.get("/v2/models/" + MODEL + "/versions/2/ready"),
                404);
        ObjectNode infer = ServiceUnderTest.JSON.createObjectNode().put("id", "req-1");
        ObjectNode input = infer.putArray("inputs").addObject().put("name", "image").put("datatype", "BYTES");
        input.putArray("shape").add(2);
        input.putArray("data").add(TranscriptionAppTest.base64(png)).add(TranscriptionAppTest.base64(TestImages.png(333, 20)));
        check.answer("POST", OpenInferenceProtocol.INFER, service.postBytes("/v2/models/" + MODEL + "/infer",
                RequestReader.JSON, TranscriptionAppTest.bytes(infer)), 200);
        check.answer("POST", OpenInferenceProtocol.INFER, service.postBytes("/v2/models/another/infer",
                RequestReader.JSON, TranscriptionAppTest.bytes(infer)), 404);
        check.answer("POST", OpenInferenceProtocol.VERSION_INFER, service.postBytes(version + "/infer",
                RequestReader.JSON, TranscriptionAppTest.bytes(infer)), 200);
        check.answer("POST", OpenInferenceProtocol.VERSION_INFER, service.postBytes("/v2/models/" + MODEL
                + "/versions/2/infer", RequestReader.JSON, TranscriptionAppTest.bytes(infer)), 404);

        check.answer("GET", TranscriptionApp.METRICS, service.get(TranscriptionApp.METRICS), 200);
        check.answer("GET", ServicePage.INDEX, service.get(ServicePage.INDEX), 200);
        check.answer("GET", ServicePage.ASSET, service.get("/page/page.js"), 200);
        check.answer("GET", ServicePage.ASSET, service.get("/page/page.css"), 200);
        check.answer("GET", ServicePage.ASSET, service.get("/page/index.html"), 404);
        check.answer("GET", OpenApiDocument.PATH, service.get(OpenApiDocument.PATH), 200);
        check.answer("GET", OpenApiDocument.PATH, service.send(HttpRequest.newBuilder(service.uri(OpenApiDocument.PATH))
                .header("Origin", "http://attacker.example").GET().build()), 403);

        assertEquals(List.of(), check.violations, "answers that disagree with " + OpenApiDocument.RESOURCE);
        assertEquals(documentedOperations(), check.exercised, "every documented operation is called here once at least");
    }

    /** The strict check itself: what it must catch when the document and the answers part ways. */
    @Test
    void anUndeclaredMissingOrMistypedFieldIsCaught() {
        JsonNode schema = document.at("/components/schemas/TranscriptionAnswer");
        ObjectNode answer = (ObjectNode) json(service.postBytes(TranscriptionApp.TRANSCRIBE, RequestReader.PNG,
                TestImages.png(124, 40)));
        assertEquals(List.of(), schemas.violations(answer, schema));

        ObjectNode extra = answer.deepCopy().put("surprise", 1);
        assertEquals(List.of("$.surprise is not in the schema"), schemas.violations(extra, schema));
        ObjectNode missing = answer.deepCopy();
        missing.remove("model");
        assertEquals(List.of("$.model is required but missing"), schemas.violations(missing, schema));
        ObjectNode mistyped = answer.deepCopy().put("accepted", "yes");
        assertEquals(List.of("$.accepted is \"yes\", not boolean"), schemas.violations(mistyped, schema));
        ObjectNode deep = answer.deepCopy();
        ((ObjectNode) deep.get("boxReadings").get(0).get("box")).put("right", 22);
        assertEquals(List.of("$.boxReadings[0].box.right is not in the schema"), schemas.violations(deep, schema));
    }

    @Test
    void theDocumentIsGuardedAndCountedAsTheOtherRoutesAre() {
        HttpResponse<String> foreignHost = service.send(HttpRequest.newBuilder(service.uri(OpenApiDocument.PATH))
                .header("Origin", "http://attacker.example").GET().build());
        assertEquals(TranscriptionApp.FORBIDDEN, foreignHost.statusCode(), foreignHost.body());
        assertTrue(json(foreignHost).get("error").asText().contains("attacker.example"), foreignHost.body());

        String metrics = service.get(TranscriptionApp.METRICS).body();
        assertTrue(metrics.matches("(?s).*streetnum_http_requests_seconds_count\\{[^}]*route=\"" + OpenApiDocument.PATH
                + "\"[^}]*status=\"200\"[^}]*} 1.*"), metrics);
    }

    /** {@code METHOD path} of every operation in the document. */
    private Set<String> documentedOperations() {
        Set<String> documented = new TreeSet<>();
        document.required("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(key -> {
            if (METHODS.contains(key)) {
                documented.add(key.toUpperCase(Locale.ROOT) + " " + path.getKey());
            }
        }));
        return documented;
    }

    private static Set<String> fieldNames(JsonNode object) {
        Set<String> names = new TreeSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Collects what answers disagree with the document, and which operations were called. */
    private final class ResponseCheck {
        final List<String> violations = new ArrayList<>();
        final Set<String> exercised = new TreeSet<>();

        /**
         * @param path   the route as registered and documented (with {@code {param}}s)
         * @param status the status this request must get, so that each case tests what it claims
         */
        void answer(String method, String path, HttpResponse<String> response, int status) {
            assertEquals(status, response.statusCode(), method + " " + path + ": " + response.body());
            String operation = method + " " + path;
            exercised.add(operation);
            JsonNode documented = document.path("paths").path(path).path(method.toLowerCase(Locale.ROOT))
                    .path("responses").path(Integer.toString(status));
            if (documented.isMissingNode()) {
                violations.add(operation + " answered " + status + ", which is not documented");
                return;
            }
            String type = response.headers().firstValue("Content-Type").orElse("").split(";")[0].trim();
            JsonNode media = schemas.resolve(documented).path("content").path(type);
            if (media.isMissingNode()) {
                violations.add(operation + " " + status + " answered " + type + ", which is not documented");
                return;
            }
            if (type.equals(RequestReader.JSON)) {
                schemas.violations(json(response), media.required("schema"))
                        .forEach(v -> violations.add(operation + " " + status + ": " + v));
            }
        }
    }

    /**
     * Checks a JSON value against a schema of this OpenAPI 3.0 document. Stricter than OpenAPI: a
     * field the schema does not declare is a violation (so the document lists every field the service
     * writes), while the document itself leaves objects open so clients tolerate new fields.
     */
    static final class SchemaCheck {
        private final JsonNode document;

        SchemaCheck(JsonNode document) {
            this.document = document;
        }

        /** What in {@code value} disagrees with {@code schema}, one sentence each; empty when it matches. */
        List<String> violations(JsonNode value, JsonNode schema) {
            List<String> out = new ArrayList<>();
            check(value, schema, "$", out);
            return out;
        }

        /** The node a {@code $ref} names (followed until it is no reference), or the node itself. */
        JsonNode resolve(JsonNode node) {
            while (node.has("$ref")) {
                String ref = node.get("$ref").asText();
                JsonNode target = ref.startsWith("#/") ? document.at(ref.substring(1)) : null;
                if (target == null || target.isMissingNode()) {
                    throw new AssertionError("the document's reference " + ref + " names nothing in it");
                }
                node = target;
            }
            return node;
        }

        private void check(JsonNode value, JsonNode schemaOrRef, String where, List<String> out) {
            JsonNode schema = resolve(schemaOrRef);
            if (value.isNull()) {
                if (!schema.path("nullable").asBoolean(false)) {
                    out.add(where + " is null but not nullable");
                }
                return;
            }
            if (schema.has("anyOf")) {
                List<String> each = new ArrayList<>();
                for (JsonNode branch : schema.get("anyOf")) {
                    List<String> failed = new ArrayList<>();
                    check(value, branch, where, failed);
                    if (failed.isEmpty()) {
                        return;
                    }
                    each.add(String.join("; ", failed));
                }
                out.add(where + " matches none of anyOf: " + each);
                return;
            }
            String type = typeOf(schema);
            if (type != null && !hasType(value, type)) {
                out.add(where + " is " + value + ", not " + type);
                return;
            }
            if (schema.has("enum")) {
                boolean listed = false;
                for (JsonNode allowed : schema.get("enum")) {
                    listed |= allowed.equals(value);
                }
                if (!listed) {
                    out.add(where + " is " + value + ", not one of " + schema.get("enum"));
                }
            }
            if (value.isArray()) {
                if (schema.has("minItems") && value.size() < schema.get("minItems").asInt()
                        || schema.has("maxItems") && value.size() > schema.get("maxItems").asInt()) {
                    out.add(where + " has " + value.size() + " items, outside " + schema.path("minItems") + ".."
                            + schema.path("maxItems"));
                }
                if (schema.has("items")) {
                    for (int i = 0; i < value.size(); i++) {
                        check(value.get(i), schema.get("items"), where + "[" + i + "]", out);
                    }
                }
            } else if (value.isObject()) {
                checkObject((ObjectNode) value, schema, where, out);
            }
        }

        private void checkObject(ObjectNode value, JsonNode schema, String where, List<String> out) {
            Map<String, JsonNode> properties = new LinkedHashMap<>();
            Set<String> required = new TreeSet<>();
            collect(schema, properties, required);
            if (properties.isEmpty()) {
                return; // a free-form object, e.g. this document's own answer
            }
            for (String name : required) {
                if (!value.has(name)) {
                    out.add(where + "." + name + " is required but missing");
                }
            }
            value.fields().forEachRemaining(field -> {
                JsonNode property = properties.get(field.getKey());
                if (property == null) {
                    out.add(where + "." + field.getKey() + " is not in the schema");
                } else {
                    check(field.getValue(), property, where + "." + field.getKey(), out);
                }
            });
        }

        /** An object schema's properties and required names, its {@code allOf} parts' included. */
        private void collect(JsonNode schemaOrRef, Map<String, JsonNode> properties, Set<String> required) {
            JsonNode schema = resolve(schemaOrRef);
            schema.path("properties").fields().forEachRemaining(p -> properties.put(p.getKey(), p.getValue()));
            schema.path("required").forEach(name -> required.add(name.asText()));
            schema.path("allOf").forEach(part -> collect(part, properties, required));
        }

        /** The schema's type, that of its {@code allOf} parts when it names none, or null for any. */
        private String typeOf(JsonNode schema) {
            if (schema.has("type")) {
                return schema.get("type").asText();
            }
            for (JsonNode part : schema.path("allOf")) {
                String type = typeOf(resolve(part));
                if (type != null) {
                    return type;
                }
            }
            return null;
        }

        private static boolean hasType(JsonNode value, String type) {
            return switch (type) {
                case "string" -> value.isTextual();
                case "integer" -> value.isIntegralNumber();
                case "number" -> value.isNumber();
                case "boolean" -> value.isBoolean();
                case "array" -> value.isArray();
                case "object" -> value.isObject();
                default -> throw new AssertionError("the document uses a type this check does not know: " + type);
            };
        }
    }
}
