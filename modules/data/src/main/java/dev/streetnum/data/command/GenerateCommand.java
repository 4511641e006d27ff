package dev.streetnum.data.command;

import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.AnnotatedImage;
import dev.streetnum.data.SampleSheet;
import dev.streetnum.data.DigitBox;
import dev.streetnum.data.ImageDecoder;
import dev.streetnum.data.LengthMix;
import dev.streetnum.data.SeedStreams;
import dev.streetnum.data.StreetNumberGenerator;
import dev.streetnum.data.SyntheticDatasetWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code streetnum generate}: a synthetic Street-View-style data set in the standard layout. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Writes a synthetic Street-View-style data set: OUT/{train,val,test}/ PNGs + labels.csv, "
                + "and OUT/samples.png, a contact sheet.")
public final class GenerateCommand implements Callable<Integer> {

    /** Each split draws from its own stream of the seed, so growing one split never changes another. */
    static final String[] SPLITS = {"train", "val", "test"};
    private static final int SHEET_TILES = 60;
    private static final int SHEET_WIDTH = 1200;

    @Option(names = "--out", required = true, description = "Output folder.")
    Path out;

    @Option(names = "--train", defaultValue = "10000", description = "Training images (default: ${DEFAULT-VALUE}).")
    int train;

    @Option(names = "--val", defaultValue = "1000", description = "Validation images (default: ${DEFAULT-VALUE}).")
    int val;

    @Option(names = "--test", defaultValue = "1000", description = "Test images (default: ${DEFAULT-VALUE}).")
    int test;

    @Option(names = "--seed", defaultValue = "1", description = "Generator seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--length-mix", defaultValue = "15,54,26,4,0.4,1.5",
            description = "Weights of 1,2,3,4,5,6+ digit numbers (default: SVHN's, ${DEFAULT-VALUE}).")
    String lengthMix;

    @Option(names = "--threads", description = "Worker threads (default: all cores).")
    Integer threads;

    @Override
    public Integer call() {
        int[] counts = {train, val, test};
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] < 0) {
                throw new IllegalArgumentException("--" + SPLITS[i] + " must be non-negative, got " + counts[i]);
            }
        }
        StreetNumberGenerator generator = new StreetNumberGenerator(LengthMix.parse(lengthMix));
        SyntheticDatasetWriter writer = new SyntheticDatasetWriter(generator,
                threads != null ? threads : Runtime.getRuntime().availableProcessors());
        AnnotatedDataset first = null;
        for (int i = 0; i < SPLITS.length; i++) {
            if (counts[i] > 0) {
                AnnotatedDataset split = writer.write(out.resolve(SPLITS[i]), counts[i], SeedStreams.datasetSplit(seed, i), true);
                first = first == null ? split : first;
                System.err.println(SPLITS[i] + ": " + split.size() + " images, " + split.identity());
            }
        }
        writeManifest(counts);
        if (first != null) {
            Path sheet = out.resolve("samples.png");
            writeSamples(first, sheet);
            System.err.println("contact sheet: " + sheet);
        }
        return 0;
    }

    /** OUT/generator.json: how the set was made, for bundle metadata and for reproducing it. */
    private void writeManifest(int[] counts) {
        java.util.Map<String, Object> manifest = new java.util.LinkedHashMap<>();
        manifest.put("generator", "streetnum synthetic street numbers");
        manifest.put("version", dev.streetnum.data.StreetnumVersion.VERSION);
        manifest.put("seed", seed);
        java.util.Map<String, Integer> splits = new java.util.LinkedHashMap<>();
        for (int i = 0; i < SPLITS.length; i++) {
            splits.put(SPLITS[i], counts[i]);
        }
        manifest.put("counts", splits);
        manifest.put("lengthMix", lengthMix);
        try {
            java.nio.file.Files.createDirectories(out);
            new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
                    .writeValue(out.resolve("generator.json").toFile(), manifest);
        } catch (java.io.IOException e) {
            throw new dev.streetnum.data.DataException("cannot write " + out.resolve("generator.json") + ": " + e.getMessage(), e);
        }
    }

    static void writeSamples(AnnotatedDataset data, Path sheet) {
        List<SampleSheet.Tile> tiles = new ArrayList<>();
        for (AnnotatedImage image : data.images().subList(0, Math.min(SHEET_TILES, data.size()))) {
            tiles.add(new SampleSheet.Tile(ImageDecoder.read(image.file()),
                    image.digits().stream().map(DigitBox::box).toList(), image.number()));
        }
        SampleSheet.write(sheet, tiles, SHEET_WIDTH);
    }
}
