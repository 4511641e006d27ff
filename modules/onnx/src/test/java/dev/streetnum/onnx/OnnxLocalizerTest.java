package dev.streetnum.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.Box;
import dev.streetnum.data.TestData;
import dev.streetnum.model.BoxSource;
import dev.streetnum.model.InferenceEngine;
import dev.streetnum.model.Localizer;
import dev.streetnum.model.LocalizerInput;
import dev.streetnum.model.LocalizerMetadata;
import dev.streetnum.model.LocalizerNetwork;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.TestBundles;
import dev.streetnum.model.Transcriber;
import dev.streetnum.model.Transcription;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import onnx.Onnx;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A localizer's exported network in ONNX Runtime gives DL4J's box values within 1e-4, and a transcriber
 * on an ONNX engine finds the same boxes as on DL4J through the bundle's localizers.
 */
class OnnxLocalizerTest {

    /** A wide (64x32) localizer of width 2, so that a height/width mix-up or a channel layout error shows. */
    private static Localizer wide(long seed, double refineWindow) {
        LocalizerInput input = new LocalizerInput(64, 32);
        return new Localizer(LocalizerNetwork.build(input, 2, LocalizerNetwork.Loss.RELATIVE, seed, 1e-3),
                LocalizerMetadata.create(input, Map.of("source", "OnnxLocalizerTest", "seed", seed), Map.of())
                        .withRefineWindow(refineWindow));
    }

    private static List<Mat> photos(int count) {
        return TestData.generatedPhotos(91, count);
    }

    @Test
    void exportedLocalizerGivesDl4jsBoxValues() {
        Localizer localizer = wide(5, 0);
        INDArray input = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 6, 3, 32, 64).subi(0.5);
        INDArray expected = localizer.network().outputSingle(false, input);
        Onnx.ModelProto model = OnnxExporter.export(localizer, "wide localizer 1");
        try (OnnxLocalizerEngine engine = new OnnxLocalizerEngine(model, OnnxEngine.RUNTIME_THREADS)) {
            INDArray actual = engine.output(input);
            assertEquals(List.of(6L, 4L), List.of(actual.shape()[0], actual.shape()[1]));
            double diff = expected.castTo(actual.dataType()).sub(actual).amaxNumber().doubleValue();
            assertTrue(diff < OnnxExportTest.TOLERANCE, "box values differ by " + diff);
            // Not trivially equal: the values vary from photo to photo.
            assertTrue(expected.getColumn(0).stdNumber().doubleValue() > 1e-3, expected.toString());
        }
        assertEquals(List.of("image"), model.getGraph().getInputList().stream().map(Onnx.ValueInfoProto::getName).toList());
        assertEquals(List.of("box"), model.getGraph().getOutputList().stream().map(Onnx.ValueInfoProto::getName).toList());
        Map<String, String> props = OnnxMetadata.properties(model);
        assertEquals("wide localizer 1", props.get(OnnxMetadata.MODEL_ID));
        assertTrue(props.get("streetnum.input").startsWith("image [batch,3,32,64]"), props.toString());
    }

    /** The shipped bundle's trained localizers (real weights, both widths) give DL4J's values and boxes. */
    @Test
    void shippedLocalizersMatchDl4j() {
        ModelBundle shipped = ModelBundle.load(OnnxExportTest.SHIPPED);
        List<Mat> photos = photos(8);
        try (InferenceEngine onnx = Engine.ONNX.open(shipped)) {
            assertEquals(shipped.localizers().size(), onnx.localizers().size());
            for (int i = 0; i < shipped.localizers().size(); i++) {
                Localizer dl4j = shipped.localizers().get(i);
                LocalizerInput input = dl4j.metadata().input();
                float[] pixels = new float[photos.size() * input.size()];
                for (int p = 0; p < photos.size(); p++) {
                    input.write(photos.get(p), pixels, p * input.size());
                }
                INDArray x = Nd4j.create(pixels, new long[] {photos.size(), 3, input.height(), input.width()});
                INDArray expected = dl4j.network().outputSingle(false, x);
                try (OnnxLocalizerEngine engine = new OnnxLocalizerEngine(
                        OnnxExporter.export(dl4j, "shipped " + (i + 1)), OnnxEngine.RUNTIME_THREADS)) {
                    double diff = expected.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).sub(engine.output(x))
                            .amaxNumber().doubleValue();
                    assertTrue(diff < OnnxExportTest.TOLERANCE, "localizer " + (i + 1) + " differs by " + diff);
                }
                assertEquals(dl4j.localize(photos), onnx.localizers().get(i).localize(photos), "localizer " + (i + 1));
            }
        }
    }

    @Test
    void exportCommandWritesALocalizer(@TempDir Path dir) throws Exception {
        Path bundle = dir.resolve("two.bundle");
        TestBundles.tiny(3).withLocalizers(List.of(wide(4, 0), wide(7, 1.5))).save(bundle);
        Path out = dir.resolve("localizer-2.onnx");
        StringWriter printed = new StringWriter();
        CommandLine export = new CommandLine(new ExportOnnxCommand()).setOut(new PrintWriter(printed));
        assertEquals(0, export.execute("--model", bundle.toString(), "--localizer", "2", "--out", out.toString()));
        Onnx.ModelProto written = Onnx.ModelProto.parseFrom(Files.readAllBytes(out));
        Map<String, String> props = OnnxMetadata.properties(written);
        assertEquals("tiny-test-3 localizer 2", props.get(OnnxMetadata.MODEL_ID));
        assertEquals("1.5", props.get("streetnum.refineWindow"));
        assertTrue(printed.toString().contains("float32 localizer"), printed.toString());
        StringWriter errors = new StringWriter();
        CommandLine refused = new CommandLine(new ExportOnnxCommand()).setErr(new PrintWriter(errors));
        // The launcher's rule for a command's errors: bad input is one line and exit 2.
        refused.setExecutionExceptionHandler((e, cli, parsed) -> dev.streetnum.data.command.CommandErrors.report(e, cli,
                "export-onnx", org.slf4j.LoggerFactory.getLogger(OnnxLocalizerTest.class)));
        assertEquals(2, refused.execute("--model", bundle.toString(), "--localizer", "3", "--out", out.toString()));
        assertTrue(errors.toString().contains("has localizers 1 to 2"), errors.toString());
    }

    /**
     * The service's engine (ONNX Runtime) reads a photo without a box through both localizers as the DL4J
     * reference does: the same boxes, chosen reading and P(S|x); a caller's box in the same batch untouched.
     */
    @Test
    void onnxEngineFindsTheBoxesDl4jFinds() {
        List<Mat> photos = photos(6);
        ModelBundle bundle = TestBundles.tiny(3).withLocalizers(List.of(wide(4, 0), wide(7, 1.5)));
        List<Box> regions = new ArrayList<>(Arrays.asList(new Box[photos.size()]));
        regions.set(1, new Box(3, 2, 20, 14));
        List<Transcription> reference = new Transcriber(bundle).transcribe(photos, regions);
        try (InferenceEngine onnx = Engine.ONNX.open(bundle)) {
            assertEquals(2, onnx.localizers().size());
            for (int i = 0; i < 2; i++) {
                assertNotSame(bundle.localizers().get(i), onnx.localizers().get(i), "run by ONNX Runtime, not DL4J");
                assertEquals(bundle.localizers().get(i).metadata(), onnx.localizers().get(i).metadata());
                assertEquals(bundle.localizers().get(i).localize(photos), onnx.localizers().get(i).localize(photos),
                        "localizer " + (i + 1));
            }
            List<Transcription> got = new Transcriber(bundle, onnx).transcribe(photos, regions);
            for (int i = 0; i < photos.size(); i++) {
                assertEquals(reference.get(i).box(), got.get(i).box(), "photo " + i);
                assertEquals(i == 1 ? BoxSource.CALLER : BoxSource.LOCALIZED, got.get(i).boxSource());
                assertEquals(reference.get(i).candidate(), got.get(i).candidate(), "photo " + i);
                assertEquals(reference.get(i).logProbability(), got.get(i).logProbability(), 1e-3, "photo " + i);
            }
        }
    }
}
