package dev.streetnum.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.streetnum.data.Augmentation;
import dev.streetnum.model.Preset;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The options reach the configuration: a flag that parses but does nothing is a silent wrong experiment. */
class TrainCommandTest {

    private static TrainConfig parse(String... args) {
        TrainCommand command = new TrainCommand();
        new CommandLine(command).parseArgs(args);
        return command.config();
    }

    @Test
    void trainingJittersByDefaultAndNoJitterTurnsItOff() {
        assertEquals(Augmentation.DEFAULT, parse("--data", "d", "--out", "o").jitter());
        assertEquals(Augmentation.NONE, parse("--data", "d", "--out", "o", "--no-jitter").jitter());
        assertEquals(0.25, parse("--data", "d", "--out", "o", "--cutout", "0.25").jitter().cutout());
        assertEquals(Augmentation.DEFAULT.withCutout(0.2), parse("--data", "d", "--out", "o", "--cutout", "0.2").jitter());
        assertEquals(Augmentation.NONE.withCutout(0.2),
                parse("--data", "d", "--out", "o", "--no-jitter", "--cutout", "0.2").jitter());
        assertEquals(Augmentation.DEFAULT.withCutout(0.25).withLowResolution(0.5),
                parse("--data", "d", "--out", "o", "--cutout", "0.25", "--low-resolution", "0.5").jitter());
        assertEquals(0.0, parse("--data", "d", "--out", "o").jitter().lowResolution());
        assertEquals(Augmentation.DEFAULT.withCutout(0.25).withPartialNumber(0.2),
                parse("--data", "d", "--out", "o", "--cutout", "0.25", "--partial-number", "0.2").jitter());
        assertEquals(0.0, parse("--data", "d", "--out", "o").jitter().partialNumber());
    }

    @Test
    void expansionPresetAndStartingBundleReachTheConfig() {
        TrainConfig c = parse("--data", "d", "--out", "o", "--expansion", "0", "--preset", "cpu-bn",
                "--init-from", "start.bundle", "--lr", "5e-4");
        assertEquals(0.0, c.preprocess().expansion());
        assertEquals(54, c.preprocess().crop());
        assertEquals(Preset.CPU_BN, c.preset());
        assertEquals(Path.of("start.bundle"), c.initFrom());
        assertEquals(5e-4, c.learningRate());
        TrainConfig d = parse("--data", "d", "--out", "o");
        assertEquals(0.30, d.preprocess().expansion());
        assertNull(d.initFrom());
    }

    @Test
    void consistencyTrainingIsOffUnlessAskedAndItsOptionsReachTheConfig() {
        assertNull(parse("--data", "d", "--out", "o").consistency());
        Consistency c = parse("--data", "d", "--out", "o", "--batch-size", "48", "--consistency", "u").consistency();
        assertEquals(new Consistency(Path.of("u"), Consistency.DEFAULT_THRESHOLD, 48, Consistency.STRONG), c);
        Consistency d = parse("--data", "d", "--out", "o", "--consistency", "u", "--consistency-threshold", "0.9",
                "--consistency-batch", "16").consistency();
        assertEquals(0.9, d.threshold());
        assertEquals(16, d.batchSize());
        IllegalArgumentException alone = assertThrows(IllegalArgumentException.class,
                () -> parse("--data", "d", "--out", "o", "--consistency-threshold", "0.9"));
        assertEquals("--consistency-threshold and --consistency-batch need --consistency DIR", alone.getMessage());
    }
}
