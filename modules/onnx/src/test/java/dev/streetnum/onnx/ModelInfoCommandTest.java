package dev.streetnum.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.model.Ensemble;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.Preset;
import dev.streetnum.model.TestBundles;
import dev.streetnum.model.Thresholds;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ModelInfoCommandTest {

    @Test
    void everyPresetIsListedWithItsCountAndTheNumbersLineUpUnderTheirHeadings() {
        StringWriter text = new StringWriter();
        CommandLine command = new CommandLine(new ModelInfoCommand());
        command.setOut(new PrintWriter(text));
        assertEquals(0, command.execute());
        List<String> lines = text.toString().lines().toList();
        assertEquals(Preset.values().length + 1, lines.size(), text.toString());
        String header = lines.get(0);
        int parametersEnd = header.indexOf("parameters") + "parameters".length();
        int flopsEnd = header.length();
        for (int i = 0; i < Preset.values().length; i++) {
            Preset p = Preset.values()[i];
            String row = lines.get(i + 1);
            assertTrue(row.startsWith(p.name().toLowerCase(Locale.ROOT) + " "), row);
            String count = String.format(Locale.ROOT, "%,d", p.parameterCount());
            assertEquals(parametersEnd, row.indexOf(count) + count.length(), "parameters column: " + row);
            assertEquals(flopsEnd, row.length(), "MFLOP column: " + row);
        }
    }

    @Test
    void aBundleSaysWhatElseItStores(@TempDir Path dir) {
        Path plain = dir.resolve("plain.bundle");
        TestBundles.tiny(1).save(plain);
        Path more = dir.resolve("more.bundle");
        TestBundles.tiny(1).withAttachment("a.bin", new byte[] {2}).withAttachment("b.txt", new byte[] {1}).save(more);
        assertTrue(describe(plain).noneMatch(line -> line.startsWith("also stored")));
        assertEquals(List.of("also stored: a.bin, b.txt"),
                describe(more).filter(line -> line.startsWith("also stored")).toList());
        assertTrue(describe(more).noneMatch(line -> line.startsWith("int8 thresholds")));
    }

    /**
     * The int8 thresholds live in int8.onnx's metadata, apart from the bundle's float ones: model-info shows
     * both, each as calibrated (here set by hand, so the expected line is known without model-info's help).
     */
    @Test
    void aQuantizedBundleShowsItsInt8ThresholdsBesideTheFloatOnes(@TempDir Path dir) {
        ModelBundle tiny = TestBundles.tiny(3);
        org.nd4j.linalg.api.ndarray.INDArray crops = org.nd4j.linalg.factory.Nd4j.rand(
                org.nd4j.linalg.api.buffer.DataType.FLOAT, 8, 3, 54, 54);
        ModelBundle quantized = Int8Quantizer.attach(tiny, 0,
                new Int8Quantizer(99.9).quantize(tiny, List.of(crops).iterator(), 8, "random", n -> { }));
        Thresholds int8 = Thresholds.fromKeys(java.util.Map.of("0.98", 0.875), "int8-val");
        Thresholds floats = Thresholds.fromKeys(java.util.Map.of("0.98", 0.625), "float-val");
        Path file = dir.resolve("tiny.bundle");
        Engine.DL4J.withThresholds(Engine.ONNX_INT8.withThresholds(quantized, int8), floats).save(file);

        List<String> lines = describe(file).toList();
        assertTrue(lines.get(0).contains("thresholds " + floats), lines.get(0));
        assertEquals(List.of("int8 thresholds (--engine onnx-int8, their own: the int8 networks' probabilities are"
                + " not the float ones'): " + int8), lines.stream().filter(l -> l.startsWith("int8 thresholds")).toList());
        assertTrue(int8.toString().contains("0.875") && int8.toString().contains("int8-val"), int8.toString());
    }

    @Test
    void anEnsembleSaysWhichNetworksReadOnlyACallersBox(@TempDir Path dir) {
        Path joined = dir.resolve("three.bundle");
        Ensemble.join(List.of(TestBundles.tiny(1), TestBundles.tiny(2), TestBundles.tiny(3)), "three", 2, null).save(joined);
        List<String> partners = describe(joined).filter(line -> line.startsWith("reads with network")).toList();
        assertEquals(2, partners.size(), partners.toString());
        assertTrue(!partners.get(0).contains("it reads only"), partners.get(0));
        assertTrue(partners.get(1).startsWith("reads with network 3: model tiny-test-3")
                && partners.get(1).endsWith("; it reads only a box the caller gives"), partners.get(1));
    }

    @Test
    void anEnsembleSaysWhichNetworksReadOnlyAPhotoSentWithoutABox(@TempDir Path dir) {
        Path joined = dir.resolve("three.bundle");
        Ensemble.join(List.of(TestBundles.tiny(1), TestBundles.tiny(2), TestBundles.tiny(3)), "three", 2, 2).save(joined);
        List<String> lines = describe(joined).toList();
        assertTrue(lines.get(0).startsWith("model three:")
                && lines.get(0).endsWith("; it reads only a photo sent without a box"), lines.get(0));
        List<String> partners = lines.stream().filter(line -> line.startsWith("reads with network")).toList();
        assertTrue(!partners.get(0).contains("it reads only"), partners.get(0));
        assertTrue(partners.get(1).endsWith("; it reads only a box the caller gives"), partners.get(1));
        assertTrue(lines.contains("paths: the last 2 networks read a caller's box and the first 2 a photo sent"
                + " without one"), lines.toString());
    }

    private static java.util.stream.Stream<String> describe(Path bundle) {
        StringWriter text = new StringWriter();
        CommandLine command = new CommandLine(new ModelInfoCommand());
        command.setOut(new PrintWriter(text));
        assertEquals(0, command.execute("--model", bundle.toString()));
        return text.toString().lines();
    }
}
