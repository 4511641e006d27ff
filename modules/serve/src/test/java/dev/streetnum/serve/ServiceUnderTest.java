package dev.streetnum.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streetnum.data.PreprocessConfig;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.Transcriber;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/** The service started on a random loopback port around a model, with a client to call it. */
final class ServiceUnderTest implements AutoCloseable {

    static final String LOOPBACK = "127.0.0.1";
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(60);
    static final ObjectMapper JSON = new ObjectMapper();

    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final TranscriptionEngine engine;
    final Javalin app;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(CLIENT_TIMEOUT).build();

    /** Around a model preprocessed as the test bundles are ({@link PreprocessConfig#DEFAULT}). */
    ServiceUnderTest(BatchTranscriber model, ServeConfig config) {
        this(model, config, PreprocessConfig.DEFAULT);
    }

    ServiceUnderTest(BatchTranscriber model, ServeConfig config, PreprocessConfig preprocess) {
        engine = new TranscriptionEngine(model, config, preprocess, registry);
        app = TranscriptionApp.create(engine, registry).start(LOOPBACK, 0);
    }

    /** The bundle's model as {@code streetnum serve} runs it. */
    static BatchTranscriber servedModel(Path bundle) {
        return new ServedModel(new Transcriber(ModelBundle.load(bundle)));
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://" + LOOPBACK + ":" + app.port() + pathAndQuery);
    }

    HttpRequest.Builder post(String pathAndQuery, String contentType, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(pathAndQuery)).timeout(CLIENT_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        return contentType == null ? b : b.header("Content-Type", contentType);
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).timeout(CLIENT_TIMEOUT).GET().build());
    }

    HttpResponse<String> postBytes(String pathAndQuery, String contentType, byte[] body) {
        return send(post(pathAndQuery, contentType, body).build());
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (status " + response.statusCode() + "): " + response.body(), e);
        }
    }

    @Override
    public void close() {
        app.stop();
    }
}
