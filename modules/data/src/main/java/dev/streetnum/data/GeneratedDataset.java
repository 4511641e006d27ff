package dev.streetnum.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A generated data set in the standard layout: {@code OUT/{train,val,test}/} (PNGs + labels.csv), each
 * split from its own seed stream ({@link SeedStreams#datasetSplit}) so growing one split never changes
 * another; {@code OUT/generator.json}, how it was made; {@code OUT/samples.png}, a sheet to look at.
 */
public final class GeneratedDataset {

    /** The splits, in the order their seed streams are numbered. */
    public static final List<String> SPLITS = List.of("train", "val", "test");
    public static final String MANIFEST = "generator.json";
    public static final String SAMPLES = "samples.png";
    private static final int SHEET_TILES = 60;

    /**
     * {@code generator.json}: how the set was made, for bundle metadata and for reproducing it.
     *
     * @param counts    images per split, in {@link #SPLITS} order
     * @param lengthMix the length weights as given on the command line
     */
    public record Manifest(String generator, String version, long seed, Map<String, Integer> counts, String lengthMix) {
    }

    private GeneratedDataset() {
    }

    /**
     * Writes every split with a positive count, the manifest and the sample sheet (from the first split
     * written), and returns the written splits by name.
     *
     * @param counts images per split in {@link #SPLITS} order, each non-negative
     */
    public static Map<String, AnnotatedDataset> write(SyntheticDatasetWriter writer, Path out, int[] counts, long seed,
                                                      String lengthMix, boolean showProgress) {
        if (counts.length != SPLITS.size()) {
            throw new IllegalArgumentException("give a count for each of " + SPLITS + ", got " + counts.length);
        }
        Map<String, Integer> countBySplit = new LinkedHashMap<>();
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] < 0) {
                throw new IllegalArgumentException("--" + SPLITS.get(i) + " must be non-negative, got " + counts[i]);
            }
            countBySplit.put(SPLITS.get(i), counts[i]);
        }
        Map<String, AnnotatedDataset> written = new LinkedHashMap<>();
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0) {
                written.put(SPLITS.get(i), writer.write(out.resolve(SPLITS.get(i)), counts[i],
                        SeedStreams.datasetSplit(seed, i), showProgress));
            }
        }
        Manifest manifest = new Manifest("streetnum synthetic street numbers", StreetnumVersion.VERSION, seed,
                countBySplit, lengthMix);
        Path manifestFile = out.resolve(MANIFEST);
        try {
            Files.createDirectories(out);
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(manifestFile.toFile(), manifest);
        } catch (IOException e) {
            throw new DataException("cannot write " + manifestFile + ": " + e.getMessage(), e);
        }
        if (!written.isEmpty()) {
            writeSamples(written.values().iterator().next(), out.resolve(SAMPLES));
        }
        return written;
    }

    /** The first images of {@code data} with their boxes and numbers, as a {@link SampleSheet} at {@code sheet}. */
    public static void writeSamples(AnnotatedDataset data, Path sheet) {
        List<SampleSheet.Tile> tiles = new ArrayList<>();
        try {
            for (AnnotatedImage image : data.images().subList(0, Math.min(SHEET_TILES, data.size()))) {
                tiles.add(new SampleSheet.Tile(ImageDecoder.read(image.file()),
                        image.digits().stream().map(DigitBox::box).toList(), image.number()));
            }
            SampleSheet.write(sheet, tiles);
        } finally {
            tiles.forEach(t -> t.image().close());
        }
    }
}
