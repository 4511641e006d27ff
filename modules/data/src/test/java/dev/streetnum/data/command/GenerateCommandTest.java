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
                "--out", dir.toString(), "--train", "6", "--val", "3", "--test", "2", "--seed", "8", "--workers", "2");
        assertEquals(0, exit);
        assertEquals(6, AnnotatedDataset.load(dir.resolve("train"), false).size());
        assertEquals(3, AnnotatedDataset.load(dir.resolve("val"), false).size());
        assertEquals(2, AnnotatedDataset.load(dir.resolve("test"), false).size());
        // Splits draw from different streams: image 0 of val is not image 0 of train.
        assertNotEquals(-1, Files.mismatch(dir.resolve("train/0.png"), dir.resolve("val/0.png")));
        // Each split is the generator's stream for its published seed: image 0 of train carries the
        // digits and boxes the generator gives for (datasetSplit(8, 0), 0).
        dev.streetnum.data.StreetNumberGenerator.Example first = new dev.streetnum.data.StreetNumberGenerator(
                dev.streetnum.data.LengthMix.parse("15,54,26,4,0.4,1.5")).generate(dev.streetnum.data.SeedStreams.datasetSplit(8, 0), 0);
        try {
            assertEquals(first.digits(), AnnotatedDataset.load(dir.resolve("train"), false).images().get(0).digits());
        } finally {
            first.image().close();
        }
        // The sample sheet is a real picture of the first split's photos, drawn with green boxes.
        java.awt.image.BufferedImage sheet = javax.imageio.ImageIO.read(dir.resolve("samples.png").toFile());
        assertEquals(1200, sheet.getWidth());
        int green = 0;
        for (int y = 0; y < sheet.getHeight(); y++) {
            for (int x = 0; x < sheet.getWidth(); x++) {
                int rgb = sheet.getRGB(x, y);
                if (((rgb >> 8) & 0xff) > 150 && ((rgb >> 16) & 0xff) < 110 && (rgb & 0xff) < 110) {
                    green++;
                }
            }
        }
        assertTrue(green > 6 * 20, "box outlines on the six photos, saw " + green + " green pixels");
        com.fasterxml.jackson.databind.JsonNode manifest = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(dir.resolve("generator.json").toFile());
        assertEquals(8, manifest.get("seed").asLong());
        assertEquals(6, manifest.get("counts").get("train").asInt());
        assertEquals(3, manifest.get("counts").get("val").asInt());
        assertEquals(2, manifest.get("counts").get("test").asInt());
        assertEquals("15,54,26,4,0.4,1.5", manifest.get("lengthMix").asText());
        assertEquals(dev.streetnum.data.StreetnumVersion.VERSION, manifest.get("version").asText());
    }

    @Test
    void negativeCountsAreRejectedWithASentence(@TempDir Path dir) {
        GenerateCommand command = new GenerateCommand();
        new CommandLine(command).parseArgs("--out", dir.toString(), "--val", "-1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, command::call);
        assertEquals("--val must be non-negative, got -1", e.getMessage());
    }
}
