package dev.streetnum.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.PreprocessConfig;
import dev.streetnum.data.TestData;
import dev.streetnum.data.command.CommandErrors;
import dev.streetnum.model.Dl4jEngine;
import dev.streetnum.model.Ensemble;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.TestBundles;
import dev.streetnum.model.Thresholds;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import onnx.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** export-onnx on a joined bundle: one network at a time, under its own id, without the bundle's thresholds. */
class ExportOnnxCommandTest {

    @TempDir
    Path dir;

    @Test
    void aJoinedBundlesNetworkIsWrittenAloneFloatAndInt8() throws Exception {
        ModelBundle first = TestBundles.tiny(1);
        ModelBundle second = TestBundles.tiny(2);
        INDArray crops = CentreCrops.of(AnnotatedDataset.load(TestData.generatedSet(dir.resolve("generated"), 8, 5),
                false).images(), PreprocessConfig.DEFAULT);
        ModelBundle joined = Ensemble.join(List.of(first, second), "pair");
        joined = joined.withMetadata(joined.metadata().withThresholds(Thresholds.fromKeys(Map.of("0.98", 0.9), "val")));
        for (int member = 0; member < 2; member++) {
            ModelBundle network = member == 0 ? first : second;
            Onnx.ModelProto int8 = new Int8Quantizer(99.9).quantize(network, List.of(crops).iterator(), 8, "generated",
                    n -> { });
            joined = Int8Quantizer.attach(joined, member, OnnxMetadata.withThresholds(int8,
                    Thresholds.fromKeys(Map.of("0.98", 0.8), "val")));
        }
        Path bundle = dir.resolve("pair.bundle");
        joined.save(bundle);
        String secondId = Ensemble.split(joined).get(1).metadata().modelId();

        Path floatOut = dir.resolve("second.onnx");
        assertEquals(0, run("--model", bundle.toString(), "--network", "2", "--out", floatOut.toString()));
        Onnx.ModelProto exported = Onnx.ModelProto.parseFrom(Files.readAllBytes(floatOut));
        assertEquals(secondId, OnnxMetadata.modelId(exported));
        assertEquals(Thresholds.NONE.byKey(), OnnxMetadata.thresholds(OnnxMetadata.properties(exported)).byKey(),
                "the pair's thresholds are not the second network's");
        // The second network's float export answers as the second network does alone, not as the pair's lead.
        INDArray[] alone = new Dl4jEngine(second).output(crops);
        try (OnnxEngine engine = new OnnxEngine(exported)) {
            INDArray[] read = engine.output(crops);
            assertTrue(alone[0].equalsWithEps(read[0], 1e-4), "length head of network 2");
        }

        Path int8Out = dir.resolve("second-int8.onnx");
        assertEquals(0, run("--model", bundle.toString(), "--network", "2", "--int8", "--out", int8Out.toString()));
        Onnx.ModelProto int8 = Onnx.ModelProto.parseFrom(Files.readAllBytes(int8Out));
        assertEquals(secondId + Int8Quantizer.MODEL_ID_SUFFIX, OnnxMetadata.modelId(int8));
        // "No thresholds" has one form in our ONNX files: the float export's, an empty map.
        Map<String, String> int8Properties = OnnxMetadata.properties(int8);
        assertEquals("{}", int8Properties.get(OnnxMetadata.THRESHOLDS), "the pair's int8 thresholds are not network 2's");
        assertEquals(OnnxMetadata.properties(exported).get(OnnxMetadata.THRESHOLDS),
                int8Properties.get(OnnxMetadata.THRESHOLDS));
        assertFalse(int8Properties.containsKey(OnnxMetadata.THRESHOLDS_CALIBRATED_ON), int8Properties.toString());
        assertEquals(Onnx.ModelProto.parseFrom(joined.attachment(Int8Quantizer.entry(1)).orElseThrow()).getGraph(),
                int8.getGraph(), "network 2's own int8 graph");

        // Byte for byte what the export of network 2 taken from the whole split of the bundle is.
        ModelBundle loaded = ModelBundle.load(bundle);
        ModelBundle fromSplit = Ensemble.split(loaded).get(1);
        assertArrayEquals(OnnxExporter.export(fromSplit).toByteArray(), Files.readAllBytes(floatOut));
        assertArrayEquals(OnnxMetadata.asNetwork(Engine.int8Model(loaded, 1), fromSplit.metadata().modelId()
                + Int8Quantizer.MODEL_ID_SUFFIX).toByteArray(), Files.readAllBytes(int8Out));
    }

    @Test
    void aJoinedBundleWithoutANetworkOrWithOneOutOfRangeIsRefusedByName() {
        ModelBundle joined = Ensemble.join(List.of(TestBundles.tiny(1), TestBundles.tiny(2)), "pair");
        Path bundle = dir.resolve("pair.bundle");
        joined.save(bundle);
        StringWriter err = new StringWriter();
        assertEquals(2, run(err, "--model", bundle.toString(), "--out", dir.resolve("x.onnx").toString()));
        assertTrue(err.toString().contains("--network N (1 to 2"), err.toString());
        err = new StringWriter();
        assertEquals(2, run(err, "--model", bundle.toString(), "--network", "3", "--out", dir.resolve("x.onnx").toString()));
        assertTrue(err.toString().contains("--network 3: model pair has networks 1 to 2"), err.toString());
        assertFalse(Files.exists(dir.resolve("x.onnx")));
    }

    /**
     * quantize gives a joined bundle's lead the ensemble's int8 id (DESIGN section 8); exported alone, the
     * lead's int8 network is named as itself throughout, its graph as its id, as every other export is.
     */
    @Test
    void theLeadsInt8NetworkExportedAloneNamesItsGraphByItsOwnId() throws Exception {
        Path bundle = dir.resolve("pair.bundle");
        Ensemble.join(List.of(TestBundles.tiny(1), TestBundles.tiny(2)), "pair").save(bundle);
        Path calibration = TestData.generatedSet(dir.resolve("generated"), 8, 5);
        CommandLine quantize = new CommandLine(new QuantizeCommand());
        quantize.setOut(new PrintWriter(new StringWriter(), true));
        assertEquals(0, quantize.execute("--model", bundle.toString(), "--calibration", calibration.toString(),
                "--limit", "8"));
        for (int n = 1; n <= 2; n++) {
            Path out = dir.resolve("network-" + n + "-int8.onnx");
            assertEquals(0, run("--model", bundle.toString(), "--network", Integer.toString(n), "--int8", "--out",
                    out.toString()));
            Onnx.ModelProto exported = Onnx.ModelProto.parseFrom(Files.readAllBytes(out));
            assertEquals(OnnxMetadata.modelId(exported), exported.getGraph().getName(), "network " + n);
            assertFalse(exported.getGraph().getName().startsWith("pair"), exported.getGraph().getName());
        }
    }

    /** --network names one of a joined bundle's networks; a one-network bundle has none to choose. */
    @Test
    void aOneNetworkBundleRefusesNetworkAndSaysToLeaveItOut() {
        Path bundle = dir.resolve("one.bundle");
        TestBundles.tiny(1).save(bundle);
        for (String n : List.of("1", "2")) {
            StringWriter err = new StringWriter();
            assertEquals(2, run(err, "--model", bundle.toString(), "--network", n, "--out", dir.resolve("x.onnx").toString()));
            assertTrue(err.toString().contains("--network " + n + ": model ") && err.toString().contains(
                    " is one network: leave --network out"), err.toString());
        }
        assertFalse(Files.exists(dir.resolve("x.onnx")));
    }

    private static int run(String... args) {
        return run(new StringWriter(), args);
    }

    private static int run(StringWriter err, String... args) {
        CommandLine cli = new CommandLine(new ExportOnnxCommand());
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        // The launcher's rule for a command's errors: bad input is one line and exit 2.
        cli.setExecutionExceptionHandler((e, line, parsed) -> CommandErrors.report(e, line, "export-onnx",
                LoggerFactory.getLogger(ExportOnnxCommandTest.class)));
        return cli.execute(args);
    }
}
