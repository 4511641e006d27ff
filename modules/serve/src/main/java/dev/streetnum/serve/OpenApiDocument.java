package dev.streetnum.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streetnum.data.StreetnumVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The service's HTTP API as an OpenAPI 3.0 document ({@code GET /openapi.json}), for the systems that
 * call it. It is one hand-written resource, not generated: the javalin-openapi plugin releases that
 * resolve from Maven Central are for Javalin 6 (7.2.3 is not there), and it generates from an
 * annotation on every handler. {@code OpenApiDocumentTest} keeps the resource in step with the
 * routes Javalin registers and the answers the service writes.
 */
final class OpenApiDocument {

    static final String PATH = "/openapi.json";
    static final String RESOURCE = "openapi.json";
    /** Vendor extension in {@code info}: the model's id, as {@code /v2/models/{name}} and every answer give it. */
    static final String MODEL_EXTENSION = "x-model";

    private OpenApiDocument() {
    }

    /**
     * The document for this running service: the resource with its {@code info.version} (the
     * software's version, as {@code GET /v2} reports it) and the served model's id filled in.
     */
    static ObjectNode forModel(ObjectMapper json, String modelId) {
        ObjectNode document = read(json);
        ObjectNode info = (ObjectNode) document.required("info");
        info.put("version", StreetnumVersion.VERSION);
        info.put(MODEL_EXTENSION, modelId);
        return document;
    }

    private static ObjectNode read(ObjectMapper json) {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the service's API document " + RESOURCE + " is missing from the jar");
            }
            return (ObjectNode) json.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
