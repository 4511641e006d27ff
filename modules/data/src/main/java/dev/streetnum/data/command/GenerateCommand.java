package dev.streetnum.data.command;

import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.GeneratedDataset;
import dev.streetnum.data.LengthMix;
import dev.streetnum.data.StreetNumberGenerator;
import dev.streetnum.data.SyntheticDatasetWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code streetnum generate}: parses its options and writes a {@link GeneratedDataset}. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Writes a synthetic Street-View-style data set: OUT/{train,val,test}/ PNGs + labels.csv, "
                + "OUT/generator.json and OUT/samples.png, a contact sheet.")
public final class GenerateCommand implements Callable<Integer> {

    @Option(names = "--out", paramLabel = "OUT", required = true, description = "Output folder.")
    Path out;

    @Option(names = "--train", paramLabel = "N", defaultValue = "10000",
            description = "Training images (default: ${DEFAULT-VALUE}).")
    int train;

    @Option(names = "--val", paramLabel = "N", defaultValue = "1000",
            description = "Validation images (default: ${DEFAULT-VALUE}).")
    int val;

    @Option(names = "--test", paramLabel = "N", defaultValue = "1000",
            description = "Test images (default: ${DEFAULT-VALUE}).")
    int test;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "1",
            description = "Generator seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--length-mix", paramLabel = "WEIGHTS", defaultValue = "15,54,26,4,0.4,1.5",
            description = "Weights of 1,2,3,4,5,6+ digit numbers (default: SVHN's, ${DEFAULT-VALUE}).")
    String lengthMix;

    @Option(names = {"--workers", "--threads"}, paramLabel = "N", description = "Worker threads (default: all cores).")
    Integer workers;

    @Override
    public Integer call() {
        int[] counts = {train, val, test};
        SyntheticDatasetWriter writer = new SyntheticDatasetWriter(new StreetNumberGenerator(LengthMix.parse(lengthMix)),
                workers != null ? workers : Runtime.getRuntime().availableProcessors());
        Map<String, AnnotatedDataset> written = GeneratedDataset.write(writer, out, counts, seed, lengthMix, true);
        for (Map.Entry<String, AnnotatedDataset> split : written.entrySet()) {
            System.err.println(split.getKey() + ": " + split.getValue().size() + " images, " + split.getValue().identity());
        }
        if (!written.isEmpty()) {
            System.err.println("contact sheet: " + out.resolve(GeneratedDataset.SAMPLES));
        }
        return 0;
    }
}
