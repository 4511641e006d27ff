package dev.streetnum.data.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.AnnotatedDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GenerateCommandTest {

    @Test
    void writesThreeSplitsAContactSheetAndAManifest(@TempDir Path dir) throws Exception {
        int exit = new CommandLine(new GenerateCommand()).execute(
                "--out", dir.toString(), "--train", "6", "--val", "3", "--test", "2", "--seed", "8", "--threads", "2");
        assertEquals(0, exit);
        assertEquals(6, AnnotatedDataset.load(dir.resolve("train"), false).size());
        assertEquals(3, AnnotatedDataset.load(dir.resolve("val"), false).size());
        assertEquals(2, AnnotatedDataset.load(dir.resolve("test"), false).size());
        // Splits draw from different streams: image 0 of val is not image 0 of train.
        assertNotEquals(-1, Files.mismatch(dir.resolve("train/0.png"), dir.resolve("val/0.png")));
        assertTrue(Files.size(dir.resolve("samples.png")) > 1000);
        String manifest = Files.readString(dir.resolve("generator.json"));
        assertTrue(manifest.contains("\"seed\" : 8") && manifest.contains("\"val\" : 3"), manifest);
    }

    @Test
    void negativeCountsAreRejectedWithASentence(@TempDir Path dir) {
        GenerateCommand command = new GenerateCommand();
        new CommandLine(command).parseArgs("--out", dir.toString(), "--val", "-1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, command::call);
        assertEquals("--val must be non-negative, got -1", e.getMessage());
    }
}
