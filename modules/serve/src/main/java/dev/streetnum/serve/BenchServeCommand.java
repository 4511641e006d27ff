package dev.streetnum.serve;

import dev.streetnum.model.AcceptanceThreshold;

import dev.streetnum.model.Ensemble;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.ReadViews;
import dev.streetnum.model.Transcriber;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code streetnum bench-serve}: parses its options, runs {@link ServiceBenchmark}, prints the table. */
@Command(name = "bench-serve", mixinStandardHelpOptions = true,
        description = "Measures the service's throughput and p50/p99 latency at several concurrencies.")
public final class BenchServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    BundleOptions bundle;

    @Option(names = "--image", paramLabel = "IMAGE",
            description = "PNG/JPEG to send (default: a generated 200x100 house number)")
    Path image;

    @Option(names = "--requests", paramLabel = "N", defaultValue = "400",
            description = "requests per concurrency level (default ${DEFAULT-VALUE})")
    int requests;

    @Option(names = "--concurrency", paramLabel = "N", split = ",", defaultValue = "1,8,32",
            description = "client concurrencies (default ${DEFAULT-VALUE})")
    List<Integer> concurrencies;

    @Option(names = "--max-batch", paramLabel = "N", defaultValue = "" + ServeConfig.DEFAULT_MAX_BATCH,
            description = "default ${DEFAULT-VALUE}")
    int maxBatch;

    @Option(names = "--max-delay-ms", paramLabel = "MS", defaultValue = "" + ServeConfig.DEFAULT_MAX_DELAY_MS,
            description = "default ${DEFAULT-VALUE}")
    int maxDelayMs;

    @Option(names = "--network-seconds", paramLabel = "SECONDS", defaultValue = "10",
            description = "timed seconds for the network alone at batch 1 and 64, after warm-up (default ${DEFAULT-VALUE}; 0 skips it)")
    double networkSeconds;

    /** The engines are compared at one request at a time and at a full micro-batch, as {@code bench} does. */
    private static final int[] NETWORK_BATCHES = {1, 64};

    @Override
    public Integer call() throws IOException {
        byte[] body = image == null ? ServiceBenchmark.sampleImage() : Files.readAllBytes(image);
        ModelBundle model = bundle.load();
        Ensemble models = bundle.open(model);
        AcceptanceThreshold threshold = bundle.threshold.value == null && bundle.threshold.targetAccuracy == null
                ? AcceptanceThreshold.of(0) : bundle.threshold(models); // the threshold does not change the work done
        ServeConfig config = ServeConfig.defaults(models.modelId(), threshold).withBatching(maxBatch, maxDelayMs)
                .withEngine(bundle.engine);
        ServiceBenchmark benchmark = new ServiceBenchmark(new Transcriber(models, ReadViews.CENTRE), config, body, requests);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "model %s, image %d bytes, %d requests per level, max-batch %d, max-delay %d ms%n",
                config.modelId(), body.length, requests, maxBatch, maxDelayMs);
        out.printf(Locale.ROOT, "%-22s %12s %10s %10s%n", "load", "images/s", "p50 ms", "p99 ms");
        if (networkSeconds > 0) {
            // The networks that read a caller's box each read every batch (ServiceBenchmark.networkAlone): a
            // bundle whose paths differ counts those, not every network it stores.
            int readers = models.boxReaders().size();
            String networks = readers == 1 ? "network" : readers + " networks";
            for (int batch : NETWORK_BATCHES) {
                double rate = ServiceBenchmark.networkAlone(models, model.metadata().preprocess(), batch, networkSeconds);
                out.printf(Locale.ROOT, "%-22s %12.1f %10s %10s   (engine %s, no preprocessing)%n",
                        networks + " alone, batch " + batch, rate, "-", "-", bundle.engine.label());
                out.flush();
            }
        }
        double alone = benchmark.modelAlone();
        out.printf(Locale.ROOT, "%-22s %12.1f %10s %10s%n", "model alone, batch " + maxBatch, alone, "-", "-");
        out.flush();
        benchmark.overHttp(concurrencies, level -> {
            out.printf(Locale.ROOT, "%-22s %12.1f %10.2f %10.2f   (%.2f of the model alone)%n",
                    "HTTP, concurrency " + level.concurrency(), level.throughput(), level.p50(), level.p99(), level.throughput() / alone);
            out.flush();
        });
        return 0;
    }
}
