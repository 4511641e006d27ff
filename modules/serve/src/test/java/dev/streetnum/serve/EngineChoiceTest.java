package dev.streetnum.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streetnum.data.TestData;
import dev.streetnum.model.TestBundles;
import dev.streetnum.onnx.QuantizeCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code transcribe --engine}: the same answers from DL4J and the ONNX export, the int8 model under its own id. */
class EngineChoiceTest {

    @TempDir
    static Path dir;
    static Path bundle;
    static Path image;

    @BeforeAll
    static void quantizedTinyBundle() throws Exception {
        Path data = TestData.generatedSet(dir.resolve("data"), 8, 5);
        bundle = TestBundles.tinyBundleFile(dir);
        CommandLine quantize = new CommandLine(new QuantizeCommand());
        quantize.setOut(new PrintWriter(new StringWriter()));
        assertEquals(0, quantize.execute("--model", bundle.toString(), "--calibration", data.toString()));
        try (var files = Files.list(data)) {
            image = files.filter(f -> f.toString().endsWith(".png")).sorted().findFirst().orElseThrow();
        }
    }

    @Test
    void theOnnxExportAnswersAsDl4jAndInt8UnderItsOwnId() throws Exception {
        JsonNode dl4j = transcribe("--engine", "dl4j", "--threshold", "0.5");
        JsonNode onnx = transcribe("--engine", "onnx", "--threshold", "0.5");
        JsonNode int8 = transcribe("--engine", "onnx-int8", "--threshold", "0.5");
        assertEquals("tiny-test-1", dl4j.get("model").asText());
        assertEquals("tiny-test-1", onnx.get("model").asText());
        assertEquals("tiny-test-1-int8", int8.get("model").asText());
        assertEquals(dl4j.get("candidate").asText(), onnx.get("candidate").asText());
        assertEquals(dl4j.get("confidence").asDouble(), onnx.get("confidence").asDouble(), 1e-4);
        for (int i = 0; i < dl4j.get("lengthProbabilities").size(); i++) {
            assertEquals(dl4j.get("lengthProbabilities").get(i).asDouble(),
                    onnx.get("lengthProbabilities").get(i).asDouble(), 1e-4, "length " + i);
        }
    }

    @Test
    void theInt8ModelNeedsItsOwnThreshold() {
        StringWriter err = new StringWriter();
        CommandLine cli = command(new StringWriter(), err);
        assertNotEquals(0, cli.execute(image.toString(), "--model", bundle.toString(), "--engine", "onnx-int8"));
        assertTrue(err.toString().contains("tiny-test-1-int8 has no threshold calibrated"), err.toString());
    }

    private static JsonNode transcribe(String... options) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> args = new java.util.ArrayList<>(List.of(image.toString(), "--model", bundle.toString()));
        args.addAll(List.of(options));
        assertEquals(0, command(out, err).execute(args.toArray(String[]::new)), err.toString());
        return new ObjectMapper().readTree(out.toString().trim());
    }

    private static CommandLine command(StringWriter out, StringWriter err) {
        CommandLine cli = new CommandLine(new TranscribeCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        cli.setExecutionExceptionHandler((e, c, parsed) -> {
            c.getErr().println("error: " + e.getMessage());
            return 2;
        });
        return cli;
    }
}
