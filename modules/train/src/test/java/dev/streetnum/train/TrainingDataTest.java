package dev.streetnum.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.DataException;
import dev.streetnum.data.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingDataTest {

    @Test
    void missingFoldersAreNamed(@TempDir Path dir) throws Exception {
        DataException none = assertThrows(DataException.class, () -> TrainingData.load(dir.resolve("nope"), List.of()));
        assertTrue(none.getMessage().contains("nope"), none.getMessage());
        Files.createDirectories(dir.resolve("d/train"));
        DataException noTrain = assertThrows(DataException.class, () -> TrainingData.load(dir.resolve("d"), List.of()));
        assertTrue(noTrain.getMessage().contains("train/labels.csv"), noTrain.getMessage());
    }

    /** A new user passes one split (data/svhn-real/val) where the folder holding the splits belongs. */
    @Test
    void aSplitFolderGivenAsTheDataFolderIsNamedAsOneWithItsParent(@TempDir Path dir) throws Exception {
        TestData.generatedSet(dir.resolve("d/val"), 4, 2);
        DataException split = assertThrows(DataException.class, () -> TrainingData.load(dir.resolve("d/val"), List.of()));
        assertTrue(split.getMessage().contains("is one split") && split.getMessage().contains("--data " + dir.resolve("d")),
                split.getMessage());
    }

    @Test
    void malformedRowIsNamedAndExtraFoldersAreMixedIn(@TempDir Path dir) throws Exception {
        TestData.generatedSet(dir.resolve("d/train"), 6, 1);
        TestData.generatedSet(dir.resolve("d/val"), 4, 2);
        TestData.generatedSet(dir.resolve("extra"), 5, 3);
        TrainingData data = TrainingData.load(dir.resolve("d"), List.of(dir.resolve("extra")));
        assertEquals(6 + 5, data.train().size());
        assertTrue(data.train().identity().contains(" + "), data.train().identity());

        Path csv = dir.resolve("d/val/labels.csv");
        List<String> lines = Files.readAllLines(csv);
        lines.set(2, lines.get(2).replaceFirst(",[0-9]+,", ",x,"));
        Files.write(csv, lines);
        DataException bad = assertThrows(DataException.class, () -> TrainingData.load(dir.resolve("d"), List.of()));
        assertTrue(bad.getMessage().contains("labels.csv") && bad.getMessage().contains("3"), bad.getMessage());
    }

    @Test
    void extraFolderWithRelativePathsAndBoxesPastTheImageIsOversampled(@TempDir Path dir) throws Exception {
        TestData.generatedSet(dir.resolve("d/train"), 4, 1);
        TestData.generatedSet(dir.resolve("d/val"), 2, 2);
        // Real SVHN layout: images in a subfolder, listed by relative path; one box starts left of the image.
        Path real = dir.resolve("real");
        TestData.generatedSet(real.resolve("photos"), 3, 3);
        List<String> lines = Files.readAllLines(real.resolve("photos/labels.csv"));
        List<String> moved = new java.util.ArrayList<>(List.of(lines.get(0)));
        for (String line : lines.subList(1, lines.size())) {
            moved.add("photos/" + line);
        }
        String[] first = moved.get(1).split(",");
        first[2] = "-7";
        moved.set(1, String.join(",", first));
        Files.write(real.resolve("labels.csv"), moved);

        TrainingData data = TrainingData.load(dir.resolve("d"), List.of(real), 3);
        assertEquals(4 + 3 * 3, data.train().size());
        assertEquals(data.train().images().get(4), data.train().images().get(4 + 3));
        assertTrue(data.train().identity().contains(" + 3 x "), data.train().identity());
        try (dev.streetnum.data.StreetNumberIterator it = new dev.streetnum.data.StreetNumberIterator(data.train(),
                new dev.streetnum.data.CropExpander(dev.streetnum.data.PreprocessConfig.DEFAULT),
                new dev.streetnum.data.StreetNumberIterator.Options(13, true, true, 1, 1, null))) {
            assertEquals(13, it.next().getFeatures(0).size(0));
        }
        assertThrows(IllegalArgumentException.class, () -> TrainingData.load(dir.resolve("d"), List.of(real), 0));
    }

    @Test
    void aSeparateValidationFolderAndARepeatedBaseSet(@TempDir Path dir) throws Exception {
        TestData.generatedSet(dir.resolve("d/train"), 5, 1);
        TestData.generatedSet(dir.resolve("real-val"), 3, 2);
        TestData.generatedSet(dir.resolve("extra"), 4, 3);
        // no d/val: the separate folder stands in for it
        TrainingData data = TrainingData.load(dir.resolve("d"), 3, dir.resolve("real-val"), List.of(dir.resolve("extra")), 2);
        assertEquals(3 * 5 + 2 * 4, data.train().size());
        assertEquals(3, data.val().size());
        assertTrue(data.train().identity().startsWith("3 x "), data.train().identity());
        assertTrue(data.val().root().endsWith("real-val"), data.val().root().toString());
        DataException noVal = assertThrows(DataException.class,
                () -> TrainingData.load(dir.resolve("d"), 1, dir.resolve("missing"), List.of(), 1));
        assertTrue(noVal.getMessage().contains("validation folder") && noVal.getMessage().contains("missing"),
                noVal.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> TrainingData.load(dir.resolve("d"), 0, dir.resolve("real-val"), List.of(), 1));
    }
}
