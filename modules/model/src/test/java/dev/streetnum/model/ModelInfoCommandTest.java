package dev.streetnum.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        TestBundles.tiny(1).withAttachment("int8.onnx", new byte[] {1}).withAttachment("a.bin", new byte[] {2}).save(more);
        assertTrue(describe(plain).noneMatch(line -> line.startsWith("also stored")));
        assertEquals(List.of("also stored: a.bin, int8.onnx"),
                describe(more).filter(line -> line.startsWith("also stored")).toList());
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
    }

    private static java.util.stream.Stream<String> describe(Path bundle) {
        StringWriter text = new StringWriter();
        CommandLine command = new CommandLine(new ModelInfoCommand());
        command.setOut(new PrintWriter(text));
        assertEquals(0, command.execute("--model", bundle.toString()));
        return text.toString().lines();
    }
}
