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
}
