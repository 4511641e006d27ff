package dev.streetnum.serve;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The service's page ({@code GET /}): one static HTML page with its own script and style, read from
 * the jar once. Only the files named here are served, so no request path reaches the class path.
 */
final class ServicePage {

    static final String INDEX = "/";
    static final String ASSET = "/page/{file}";

    private static final String HTML = "text/html; charset=utf-8";
    private static final Map<String, String> ASSET_TYPES = Map.of(
            "page.js", "text/javascript; charset=utf-8",
            "page.css", "text/css; charset=utf-8");
    /**
     * The page runs only its own script and style, shows only its own, uploaded (blob:) and explained
     * (data:) images, and talks only to this service: even a bug that put user text into the page as
     * HTML could not run it.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self' blob: data:; connect-src 'self'; base-uri 'none'; form-action 'none';"
            + " frame-ancestors 'none'";

    private final byte[] index = read("index.html");
    private final Map<String, byte[]> assets = Map.of(
            "page.js", read("page.js"),
            "page.css", read("page.css"));

    void index(Context ctx) {
        send(ctx, HTML, index);
    }

    void asset(Context ctx) {
        String file = ctx.pathParam("file");
        byte[] body = assets.get(file);
        if (body == null) {
            throw new ServiceError(ServiceError.NOT_FOUND, "the page has no file '" + file + "'");
        }
        send(ctx, ASSET_TYPES.get(file), body);
    }

    private static void send(Context ctx, String type, byte[] body) {
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Cache-Control", "no-cache");
        ctx.contentType(type).result(body);
    }

    private static byte[] read(String name) {
        try (InputStream in = ServicePage.class.getResourceAsStream("page/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the service's page file page/" + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
