package dev.streetnum.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streetnum.data.DataException;
import dev.streetnum.data.ImageDecoder;
import dev.streetnum.data.PreprocessConfig;
import dev.streetnum.data.TestData;
import dev.streetnum.model.BundleMetadata;
import dev.streetnum.model.Dl4jEngine;
import dev.streetnum.model.Ensemble;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.ReadViews;
import dev.streetnum.model.TargetAccuracy;
import dev.streetnum.model.TestBundles;
import dev.streetnum.model.Thresholds;
import dev.streetnum.model.Transcriber;
import dev.streetnum.model.Transcription;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code transcribe} calls the transcriber itself: a model failure is exit 1 with a sentence, bad input exit 2. */
class TranscribeCommandTest {

    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err) {
    }

    /** As the launcher runs it: bad input (DataException, IllegalArgumentException) exits 2, anything else 1. */
    private static Run transcribe(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new TranscribeCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        cli.setExecutionExceptionHandler((e, c, parsed) -> {
            c.getErr().println("error: " + e.getMessage());
            return e instanceof DataException || e instanceof IllegalArgumentException ? 2 : 1;
        });
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private Path image() throws Exception {
        Path data = TestData.generatedSet(dir.resolve("data"), 2, 8);
        try (var files = Files.list(data)) {
            return files.filter(f -> f.toString().endsWith(".png")).sorted().findFirst().orElseThrow();
        }
    }

    @Test
    void aModelThatFailsOnGoodInputExitsOneWithOneSentence() throws Exception {
        ModelBundle tiny = TestBundles.tiny(3);
        BundleMetadata m = tiny.metadata();
        // Crops of another size than the network was built for fail inside DL4J: the model's failure, not the input's.
        BundleMetadata wrongSize = new BundleMetadata(m.formatVersion(), m.modelId(), m.preset(),
                new PreprocessConfig(0.30, 64, 40), m.normalisation(), m.thresholds(), m.provenance(), m.metrics(),
                m.softwareVersion(), null, null, null, null);
        Path bundle = dir.resolve("broken.bundle");
        tiny.withMetadata(wrongSize).save(bundle);
        Path image = image();

        // DL4J named: the ONNX export would refuse this network before it runs (a broken bundle: exit 2).
        Run r = transcribe(image.toString(), "--model", bundle.toString(), "--engine", "dl4j", "--threshold", "0.5");
        assertEquals(1, r.exitCode(), r.err());
        assertEquals("", r.out());
        List<String> errors = r.err().lines().filter(l -> l.startsWith("error: ")).toList();
        assertEquals(1, errors.size(), r.err());
        assertTrue(errors.get(0).startsWith("error: the model failed to transcribe " + image), r.err());
        assertTrue(r.err().lines().noneMatch(l -> l.startsWith("\tat ")), "no stack trace for the user: " + r.err());
    }

    @Test
    void aJoinedBundleAnswersAsItsNetworksReadTogetherUnderItsOwnIdAndThreshold() throws Exception {
        ModelBundle lead = TestBundles.tiny(3);
        ModelBundle other = TestBundles.tiny(4);
        ModelBundle joined = Ensemble.join(List.of(lead, other), "pair");
        Path bundle = dir.resolve("pair.bundle");
        joined.withMetadata(joined.metadata().withThresholds(Thresholds.NONE.with(TargetAccuracy.PAPER, 0.25)))
                .save(bundle);
        Path image = image();
        Transcription byHand;
        try (Mat photo = ImageDecoder.read(image)) {
            byHand = new Transcriber(new Ensemble(List.of(new Ensemble.Member(lead, new Dl4jEngine(lead)),
                    new Ensemble.Member(other, new Dl4jEngine(other)))), ReadViews.CENTRE)
                    .transcribe(List.of(photo), java.util.Collections.singletonList(null)).get(0);
        }
        for (String engine : List.of("dl4j", "onnx")) {
            Run r = transcribe(image.toString(), "--model", bundle.toString(), "--engine", engine);
            assertEquals(0, r.exitCode(), r.err());
            JsonNode answer = new ObjectMapper().readTree(r.out().lines().findFirst().orElseThrow());
            assertEquals("pair", answer.get("model").asText(), engine);
            assertEquals(0.25, answer.get("threshold").asDouble(), engine + ": the bundle's own threshold");
            assertEquals(byHand.candidate(), answer.get("candidate").asText(), engine);
            // ONNX Runtime answers as DL4J does within 1e-4 (DESIGN section 8)
            assertEquals(byHand.confidence(), answer.get("confidence").asDouble(), 1e-4, engine);
        }
        Run int8 = transcribe(image.toString(), "--model", bundle.toString(), "--engine", "onnx-int8");
        assertEquals(2, int8.exitCode(), int8.err());
        assertTrue(int8.err().contains("model pair has no int8 network for its member 1 of 2 (pair): run  streetnum"
                + " quantize"), int8.err());
    }

    @Test
    void aBoxOffTheImageOrAnUnreadableFileIsBadInput() throws Exception {
        Path bundle = TestBundles.tinyBundleFile(dir);
        Path image = image();
        Run offImage = transcribe(image.toString(), "--model", bundle.toString(), "--threshold", "0.5",
                "--box", "100000,100000,10,10");
        assertEquals(2, offImage.exitCode(), offImage.err());
        assertTrue(offImage.err().contains("lies outside the") && offImage.err().contains(image.toString()),
                offImage.err());

        Path notAnImage = dir.resolve("notes.png");
        Files.writeString(notAnImage, "not a picture");
        Run unreadable = transcribe(notAnImage.toString(), "--model", bundle.toString(), "--threshold", "0.5");
        assertEquals(2, unreadable.exitCode(), unreadable.err());
        assertTrue(unreadable.err().contains(notAnImage.toString()), unreadable.err());
    }
}
