package dev.streetnum.data.command;

import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.CropExpander;
import dev.streetnum.data.PreprocessConfig;
import dev.streetnum.data.StreetNumberIterator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code streetnum bench-pipeline}: images per second the input pipeline delivers (decode, expand,
 * augment, batch) with and without the crop cache. One JSON line on stdout.
 */
@Command(name = "bench-pipeline", mixinStandardHelpOptions = true,
        description = "Measures the input pipeline's throughput (images/s) with augmentation, "
                + "without and with the crop cache; prints one JSON line.")
public final class BenchPipelineCommand implements Callable<Integer> {

    @Option(names = "--data", paramLabel = "DIR", required = true, description = "A data set folder (with labels.csv).")
    Path data;

    @Option(names = {"--batch-size", "--batch"}, paramLabel = "N", defaultValue = "64",
            description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--workers", paramLabel = "N", description = "Worker threads (default: all cores).")
    Integer workers;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "2",
            description = "Timed epochs per setting (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Override
    public Integer call() throws Exception {
        if (epochs < 1) {
            throw new IllegalArgumentException("--epochs must be at least 1, got " + epochs);
        }
        int threads = workers != null ? workers : Runtime.getRuntime().availableProcessors();
        AnnotatedDataset dataset = AnnotatedDataset.load(data, false);
        CropExpander expander = new CropExpander(PreprocessConfig.DEFAULT);
        double decoded = measure(dataset, expander, new StreetNumberIterator.Options(batch, true, true, 1, threads, null));
        Path cache = Files.createTempFile("streetnum-bench", ".crops");
        Files.delete(cache); // the iterator builds it (untimed: building happens in the constructor)
        try {
            double cached = measure(dataset, expander, new StreetNumberIterator.Options(batch, true, true, 1, threads, cache));
            System.out.printf(Locale.ROOT, "{\"images\":%d,\"batch\":%d,\"workers\":%d,\"epochs\":%d,"
                    + "\"decoding_images_per_s\":%.1f,\"cached_images_per_s\":%.1f}%n",
                    dataset.size(), batch, threads, epochs, decoded, cached);
        } finally {
            Files.deleteIfExists(cache);
        }
        return 0;
    }

    private double measure(AnnotatedDataset dataset, CropExpander expander, StreetNumberIterator.Options options) {
        try (StreetNumberIterator it = new StreetNumberIterator(dataset, expander, options)) {
            long images = 0;
            long start = System.nanoTime();
            for (int e = 0; e < epochs; e++) {
                it.setEpoch(e);
                while (it.hasNext()) {
                    images += it.next().getFeatures(0).size(0);
                }
            }
            return images / ((System.nanoTime() - start) / 1e9);
        }
    }
}
