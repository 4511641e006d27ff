package dev.streetnum.serve;

import dev.streetnum.data.ImageDecoder;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.Transcriber;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import me.tongfei.progressbar.ProgressBar;
import org.bytedeco.opencv.opencv_core.Mat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code streetnum bench-serve}: throughput and latency of the service over loopback HTTP at several
 * concurrencies, beside the raw batched throughput of the model alone. A measurement, not a test.
 */
@Command(name = "bench-serve", mixinStandardHelpOptions = true,
        description = "Measures the service's throughput and p50/p99 latency at several concurrencies.")
public final class BenchServeCommand implements Callable<Integer> {

    /** Passes of the model alone before its throughput is timed. */
    private static final int WARM_UP_BATCHES = 5;

    @Spec
    CommandSpec spec;

    @Mixin
    BundleOptions bundle;

    @Option(names = "--image", description = "PNG/JPEG to send (default: a generated 200x100 house number)")
    Path image;

    @Option(names = "--requests", defaultValue = "400", description = "requests per concurrency level (default ${DEFAULT-VALUE})")
    int requests;

    @Option(names = "--concurrency", split = ",", defaultValue = "1,8,32",
            description = "client concurrencies (default ${DEFAULT-VALUE})")
    List<Integer> concurrencies;

    @Option(names = "--max-batch", defaultValue = "" + ServeConfig.DEFAULT_MAX_BATCH, description = "default ${DEFAULT-VALUE}")
    int maxBatch;

    @Option(names = "--max-delay-ms", defaultValue = "" + ServeConfig.DEFAULT_MAX_DELAY_MS, description = "default ${DEFAULT-VALUE}")
    int maxDelayMs;

    @Override
    public Integer call() throws Exception {
        if (requests < 1) {
            throw new IllegalArgumentException("--requests must be positive, got " + requests);
        }
        byte[] body = image == null ? generatedImage() : Files.readAllBytes(image);
        String type = body[0] == (byte) 0x89 ? RequestReader.PNG : RequestReader.JPEG;
        ModelBundle model = bundle.load();
        double threshold = bundle.threshold.value == null && bundle.threshold.targetAccuracy == null
                ? 0 : bundle.threshold(model); // the threshold does not change the work done
        ServeConfig config = ServeConfig.defaults(model.metadata().modelId(), threshold).withBatching(maxBatch, maxDelayMs);
        Transcriber transcriber = new Transcriber(model);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("model %s, image %d bytes, %d requests per level, max-batch %d, max-delay %d ms%n",
                config.modelId(), body.length, requests, maxBatch, maxDelayMs);
        out.printf("%-22s %12s %10s %10s%n", "load", "images/s", "p50 ms", "p99 ms");

        double raw = rawThroughput(transcriber, body);
        out.printf("%-22s %12.1f %10s %10s%n", "model alone, batch " + maxBatch, raw, "-", "-");
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Javalin app = TranscriptionApp.create(new TranscriptionEngine(transcriber::transcribe, config,
                        model.metadata().preprocess(), registry), registry)
                .start("127.0.0.1", 0);
        try {
            URI uri = URI.create("http://127.0.0.1:" + app.port() + TranscriptionApp.TRANSCRIBE);
            for (int c : concurrencies) {
                Level level = load(uri, type, body, c);
                out.printf("%-22s %12.1f %10.2f %10.2f   (%.2f of the model alone)%n", "HTTP, concurrency " + c,
                        level.throughput, level.p50, level.p99, level.throughput / raw);
                out.flush();
            }
        } finally {
            app.stop();
        }
        return 0;
    }

    private record Level(double throughput, double p50, double p99) {
    }

    private double rawThroughput(Transcriber transcriber, byte[] body) {
        Mat decoded = ImageDecoder.decode(body, "bench image");
        List<Mat> batch = Collections.nCopies(maxBatch, decoded);
        List<dev.streetnum.data.Box> regions = Collections.nCopies(maxBatch, null);
        // ND4J's first passes allocate workspaces and the JIT compiles the preprocessing.
        for (int i = 0; i < WARM_UP_BATCHES; i++) {
            transcriber.transcribe(batch, regions);
        }
        int batches = Math.max(1, requests / maxBatch);
        long start = System.nanoTime();
        try (ProgressBar bar = new ProgressBar("model alone", (long) batches * maxBatch)) {
            for (int i = 0; i < batches; i++) {
                transcriber.transcribe(batch, regions);
                bar.stepBy(maxBatch);
            }
        }
        return (double) batches * maxBatch / ((System.nanoTime() - start) / 1e9);
    }

    private Level load(URI uri, String type, byte[] body, int concurrency) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(uri).header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        client.send(request, HttpResponse.BodyHandlers.discarding()); // warm-up
        double[] latencies = new double[requests];
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long start = System.nanoTime();
        try (ProgressBar bar = new ProgressBar("concurrency " + concurrency, requests)) {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                workers.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
                        long t = System.nanoTime();
                        HttpResponse<Void> r = client.send(request, HttpResponse.BodyHandlers.discarding());
                        if (r.statusCode() != 200) {
                            throw new IllegalStateException("the service answered " + r.statusCode());
                        }
                        latencies[i] = (System.nanoTime() - t) / 1e6;
                        bar.step();
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) {
                w.get();
            }
        } finally {
            pool.shutdown();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Arrays.sort(latencies);
        return new Level(requests / seconds, percentile(latencies, 0.50), percentile(latencies, 0.99));
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static byte[] generatedImage() throws IOException {
        BufferedImage img = new BufferedImage(200, 100, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(30, 60, 120));
        g.fillRect(0, 0, 200, 100);
        g.setColor(Color.WHITE);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 60));
        g.drawString("1849", 30, 75);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }
}
