package dev.streetnum.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.streetnum.model.TestBundles;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import sun.misc.Signal;

/**
 * {@code streetnum serve} as the launcher runs it, stopped by SIGTERM: it answers, stops and returns
 * exit code 0 (issue 15, item 7; the JVM's default handling exits 143). The signal is raised in this
 * JVM: the command's own handler must catch it, or the test run itself dies.
 */
class ServeCommandTest {

    private static final Pattern SERVING = Pattern.compile("on http://127\\.0\\.0\\.1:(\\d+)/");

    @TempDir
    Path dir;

    @Test
    void sigtermStopsTheServiceWithExitCodeZero() throws Exception {
        // A joined bundle that scores a caller's box by its networks' agreement: the service says so.
        Path bundle = dir.resolve("pair.bundle");
        dev.streetnum.model.Ensemble.join(java.util.List.of(TestBundles.tiny(5), TestBundles.tiny(6)), "pair", null,
                null, dev.streetnum.model.EnsembleScore.AGREEMENT, null).save(bundle);
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Logger log = (Logger) LoggerFactory.getLogger(ServeCommand.class);
        AppenderBase<ILoggingEvent> watch = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                Matcher m = SERVING.matcher(event.getFormattedMessage());
                if (m.find()) {
                    port.complete(Integer.parseInt(m.group(1)));
                }
            }
        };
        watch.start();
        log.addAppender(watch);
        Level level = log.getLevel();
        log.setLevel(Level.INFO); // the model test-jar's logback-test.xml sets WARN
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> new CommandLine(new ServeCommand())
                .execute("--model", bundle.toString(), "--port", "0", "--threshold", "0.5"));
        exit.whenComplete((code, e) -> port.completeExceptionally(
                new AssertionError("serve ended with " + code + " before serving", e)));
        try {
            int p = port.get(120, TimeUnit.SECONDS);
            HttpClient client = HttpClient.newHttpClient();
            URI live = URI.create("http://127.0.0.1:" + p + OpenInferenceProtocol.LIVE);
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(live).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            HttpResponse<String> metadata = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + p + "/v2/models/pair")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, metadata.statusCode(), metadata.body());
            org.junit.jupiter.api.Assertions.assertTrue(metadata.body().contains("\"score\":\"agreement\"")
                    && metadata.body().contains("\"score_no_box\":\"mean-heads\""), metadata.body());

            Signal.raise(new Signal("TERM"));
            assertEquals(0, exit.get(60, TimeUnit.SECONDS), "exit code after SIGTERM");
            assertThrows(ConnectException.class, () -> client.send(HttpRequest.newBuilder(live).build(),
                    HttpResponse.BodyHandlers.ofString()), "the port is closed once stopped");
        } finally {
            log.detachAppender(watch);
            log.setLevel(level);
        }
    }

    /** A port already taken is the user's to fix: one line naming host and port, exit 2, as the launcher reports. */
    @Test
    void aPortInUseIsOneLineNamingIt() throws Exception {
        Path bundle = TestBundles.tinyBundleFile(dir);
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            java.io.StringWriter err = new java.io.StringWriter();
            CommandLine cli = new CommandLine(new ServeCommand()).setErr(new java.io.PrintWriter(err, true));
            cli.setExecutionExceptionHandler((e, c, parsed) -> dev.streetnum.data.command.CommandErrors.report(e, c,
                    "serve", LoggerFactory.getLogger(ServeCommandTest.class)));
            int code = cli.execute("--model", bundle.toString(), "--port", String.valueOf(taken.getLocalPort()),
                    "--threshold", "0.5");
            assertEquals(dev.streetnum.data.command.CommandErrors.BAD_INPUT, code, err.toString());
            assertEquals("error: cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": Address already in use"
                    + " (another service there? pass another --port, or --port 0 for any free one)",
                    err.toString().strip());
        }
    }

    @Test
    void theDefaultAllowedHostsAreTheBindAddressAndLoopback() throws IOException {
        assertEquals(java.util.List.of("localhost", "127.0.0.1", "[::1]", "0.0.0.0"),
                ServeCommand.defaultAllowedHosts("0.0.0.0"));
        assertEquals("[::1]", ServeCommand.defaultAllowedHosts("::1").get(3));
    }
}
