package dev.streetnum.serve;

import dev.streetnum.data.Box;
import dev.streetnum.data.ImageDecoder;
import dev.streetnum.data.ProgressDisplay;
import dev.streetnum.data.PreprocessConfig;
import dev.streetnum.model.Ensemble;
import dev.streetnum.model.StepTimer;
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
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.imageio.ImageIO;
import me.tongfei.progressbar.ProgressBar;
import org.bytedeco.opencv.opencv_core.Mat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The service's load generator: throughput and latency over loopback HTTP at several concurrencies,
 * beside the batched throughput of the model alone. A measurement, not a test; {@code bench-serve}
 * parses its options and prints what this measures.
 */
public final class ServiceBenchmark {

    /** The random input of {@link #networkAlone}, fixed so engines are timed on the same crops. */
    private static final long NETWORK_INPUT_SEED = 1;
    /** Passes of the model alone before its throughput is timed. */
    private static final int WARM_UP_BATCHES = 5;

    /** One concurrency level: images per second, and latency percentiles in milliseconds. */
    public record Level(int concurrency, double throughput, double p50, double p99) {
    }

    private final Transcriber transcriber;
    private final ServeConfig config;
    private final byte[] body;
    private final int requests;

    /** @param requests per concurrency level, and the images the model alone is timed on */
    public ServiceBenchmark(Transcriber transcriber, ServeConfig config, byte[] body, int requests) {
        if (requests < 1) {
            throw new IllegalArgumentException("--requests must be positive, got " + requests);
        }
        if (body.length == 0) {
            throw new IllegalArgumentException("the benchmark image is empty");
        }
        this.transcriber = transcriber;
        this.config = config;
        this.body = body.clone();
        this.requests = requests;
    }

    /** Images per second through preprocessing and the network, in batches of the service's max batch. */
    public double modelAlone() {
        int maxBatch = config.maxBatch();
        try (Mat decoded = ImageDecoder.decode(body, "bench image")) {
            List<Mat> batch = Collections.nCopies(maxBatch, decoded);
            List<Box> regions = Collections.nCopies(maxBatch, null);
            // ND4J's first passes allocate workspaces and the JIT compiles the preprocessing.
            for (int i = 0; i < WARM_UP_BATCHES; i++) {
                transcriber.transcribe(batch, regions);
            }
            int batches = Math.max(1, requests / maxBatch);
            long start = System.nanoTime();
            try (ProgressBar bar = ProgressDisplay.start("model alone", (long) batches * maxBatch, " img")) {
                for (int i = 0; i < batches; i++) {
                    transcriber.transcribe(batch, regions);
                    bar.stepBy(maxBatch);
                }
            }
            return (double) batches * maxBatch / ((System.nanoTime() - start) / 1e9);
        }
    }

    /**
     * Images per second through the networks alone (no decoding, no preprocessing, no averaging), on
     * random normalised crops of the bundle's input size: the figure that compares engines. An ensemble's
     * box members (the networks that read a caller's box) each read every batch.
     */
    public static double networkAlone(Ensemble models, PreprocessConfig preprocess, int batch, double seconds) {
        if (batch < 1) {
            throw new IllegalArgumentException("a network batch is at least 1 image, got " + batch);
        }
        Nd4j.getRandom().setSeed(NETWORK_INPUT_SEED);
        try (INDArray features = Nd4j.rand(DataType.FLOAT, batch, preprocess.channels(), preprocess.crop(),
                preprocess.crop()).muli(2).subi(1)) {
            return StepTimer.imagesPerSecond(batch, seconds,
                    () -> models.boxReaders().forEach(m -> Transcriber.release(m.engine().output(features))));
        }
    }

    /** Starts the service on a free loopback port, measures each concurrency in turn, stops it. */
    public void overHttp(List<Integer> concurrencies, Consumer<Level> measured) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Javalin app = TranscriptionApp.create(new TranscriptionEngine(new ServedModel(transcriber), config,
                transcriber.bundle().metadata().preprocess(), registry), registry)
                .start("127.0.0.1", 0);
        try {
            URI uri = URI.create("http://127.0.0.1:" + app.port() + TranscriptionApp.TRANSCRIBE);
            for (int c : concurrencies) {
                measured.accept(level(uri, c));
            }
        } finally {
            app.stop();
        }
    }

    private Level level(URI uri, int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("a concurrency is at least 1, got " + concurrency);
        }
        String type = body[0] == (byte) 0x89 ? RequestReader.PNG : RequestReader.JPEG;
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(uri).header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        double[] latencies = new double[requests];
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        try {
            client.send(request, HttpResponse.BodyHandlers.discarding()); // warm-up
            long start = System.nanoTime();
            try (ProgressBar bar = ProgressDisplay.start("concurrency " + concurrency, requests, " req")) {
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
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Arrays.sort(latencies);
            return new Level(concurrency, requests / seconds, percentile(latencies, 0.50), percentile(latencies, 0.99));
        } catch (IOException e) {
            throw new UncheckedIOException("the benchmark could not reach the service at " + uri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while measuring", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a client failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            pool.shutdown();
        }
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** A generated 200x100 PNG of a house number, when no image is given. */
    public static byte[] sampleImage() {
        BufferedImage img = new BufferedImage(200, 100, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(30, 60, 120));
        g.fillRect(0, 0, 200, 100);
        g.setColor(Color.WHITE);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 60));
        g.drawString("1849", 30, 75);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing a PNG to memory cannot fail", e);
        }
        return out.toByteArray();
    }
}
