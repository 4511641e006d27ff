package dev.streetnum.data.command;

import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.GeneratedDataset;
import dev.streetnum.data.DataException;
import dev.streetnum.data.RealDigitRecomposer;
import dev.streetnum.data.StreetnumVersion;
import dev.streetnum.data.SyntheticDatasetWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code streetnum recompose}: new numbers made of the real train photos' digits, as an ordinary data set. */
@Command(name = "recompose", mixinStandardHelpOptions = true,
        description = "Cuts the digits out of real train photos and composes new 1-7 digit numbers on real backgrounds: "
                + "OUT/ PNGs + labels.csv, OUT/samples.png (a contact sheet) and OUT/recompose.json. "
                + "Refuses any photo the split file does not call train.")
public final class RecomposeCommand implements Callable<Integer> {

    @Option(names = "--real", paramLabel = "DIR", required = true,
            description = "Folder of real train photos with labels.csv naming only train photos "
                    + "(e.g. data/svhn-real/train from scripts/split-svhn-real.sh).")
    Path real;

    @Option(names = "--split", paramLabel = "FILE", defaultValue = "datasets/svhn-real-split.csv",
            description = "The split file (file,split) (default: ${DEFAULT-VALUE}).")
    Path split;

    @Option(names = "--out", paramLabel = "OUT", required = true, description = "Output folder.")
    Path out;

    @Option(names = "--count", paramLabel = "N", defaultValue = "30000",
            description = "Images to write (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "7",
            description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = {"--workers", "--threads"}, paramLabel = "N", description = "Worker threads (default: all cores).")
    Integer threads;

    @Override
    public Integer call() {
        if (count < 1) {
            throw new IllegalArgumentException("--count must be at least 1, got " + count);
        }
        long start = System.nanoTime();
        RealDigitRecomposer recomposer = new RealDigitRecomposer(real, split);
        System.err.printf(Locale.ROOT, "read %d train photos, %d digit cuts in %.1f s%n", recomposer.photoCount(),
                recomposer.cutCount(), (System.nanoTime() - start) / 1e9);
        SyntheticDatasetWriter writer = new SyntheticDatasetWriter(recomposer,
                threads != null ? threads : Runtime.getRuntime().availableProcessors());
        AnnotatedDataset written = writer.write(out, count, seed, true);
        writeManifest(recomposer);
        Path sheet = out.resolve(GeneratedDataset.SAMPLES);
        GeneratedDataset.writeSamples(written, sheet);
        System.err.printf(Locale.ROOT, "%d images, %s, in %.1f s; contact sheet: %s%n", written.size(), written.identity(),
                (System.nanoTime() - start) / 1e9, sheet);
        return 0;
    }

    /** OUT/recompose.json: how the set was made, for reproducing it. */
    private void writeManifest(RealDigitRecomposer recomposer) {
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("generator", "streetnum real-digit recomposition");
        manifest.put("version", StreetnumVersion.VERSION);
        manifest.put("source", recomposer.sourceIdentity());
        manifest.put("seed", seed);
        manifest.put("count", count);
        manifest.put("lengthMix", RealDigitRecomposer.LENGTHS.toString());
        Path file = out.resolve("recompose.json");
        try {
            Files.createDirectories(out);
            new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), manifest);
        } catch (IOException e) {
            throw new DataException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
