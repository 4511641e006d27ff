package dev.streetnum.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.DataException;
import dev.streetnum.data.PreprocessConfig;
import dev.streetnum.data.TestData;
import dev.streetnum.model.Dl4jEngine;
import dev.streetnum.model.Ensemble;
import dev.streetnum.model.InferenceEngine;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.TargetAccuracy;
import dev.streetnum.model.Thresholds;
import dev.streetnum.model.SequenceDecoder;
import dev.streetnum.model.TestBundles;
import dev.streetnum.model.Transcription;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import onnx.Onnx;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The int8 model: its arithmetic against hand computations, ONNX Runtime's fusion, and its answers. */
class Int8QuantizerTest {

    @TempDir
    static Path dir;
    static INDArray crops;
    static ModelBundle shipped;
    static Onnx.ModelProto shippedInt8;

    @BeforeAll
    static void quantizeTheShippedModel() {
        Path data = TestData.generatedSet(dir.resolve("generated"), 16, 11);
        crops = CentreCrops.of(AnnotatedDataset.load(data, false).images(), PreprocessConfig.DEFAULT);
        // One trained network: the shipped bundle's, or its first partner when it reads as an ensemble.
        ModelBundle bundle = ModelBundle.load(OnnxExportTest.SHIPPED);
        shipped = bundle.partners().isEmpty() ? bundle : bundle.partners().get(0);
        shippedInt8 = new Int8Quantizer(99.99).quantize(shipped, List.of(crops).iterator(), 16, "generated", n -> { });
    }

    @Test
    void onnxRuntimeRunsIntegerKernelsForEveryConvolutionAndTheDenseLayer() {
        Map<String, Integer> ops = Int8Quantizer.operatorCounts(OnnxEngine.optimizedOperators(shippedInt8, dir));
        long convolutions = Arrays.stream(shipped.network().getLayers()).filter(l -> l instanceof ConvolutionLayer).count();
        assertEquals(convolutions, (long) ops.get("QLinearConv"), ops.toString());
        assertEquals(1, ops.get("QGemm"), ops.toString());
        assertFalse(ops.containsKey("Conv"), "no float convolution is left: " + ops);
        assertEquals(1, ops.get("QuantizeLinear"), "only the input is quantized: " + ops);
        assertEquals(1, ops.get("DequantizeLinear"), "only the heads' input is dequantized: " + ops);
        assertEquals(1, ops.get("Gemm"), "the heads stay float: " + ops);
    }

    @Test
    void int8AnswersAreTheFloatAnswersOnGeneratedCrops() {
        INDArray[] expected = new Dl4jEngine(shipped).output(crops);
        INDArray[] actual;
        try (OnnxEngine engine = new OnnxEngine(shippedInt8)) {
            actual = engine.output(crops);
            assertEquals(shipped.metadata().modelId() + Int8Quantizer.MODEL_ID_SUFFIX, engine.modelId());
        }
        double worst = 0;
        for (int h = 0; h < expected.length; h++) {
            worst = Math.max(worst, expected[h].sub(actual[h]).amaxNumber().doubleValue());
        }
        // Measured: 0.04 at most; a wrong scale or layout gives differences near 1.
        assertTrue(worst < 0.1, "int8 probabilities differ from float by up to " + worst);
        List<Transcription> floatAnswers = SequenceDecoder.decode(expected);
        List<Transcription> int8Answers = SequenceDecoder.decode(actual);
        int same = 0;
        for (int i = 0; i < floatAnswers.size(); i++) {
            same += floatAnswers.get(i).candidate().equals(int8Answers.get(i).candidate()) ? 1 : 0;
        }
        assertTrue(same >= floatAnswers.size() - 1, same + " of " + floatAnswers.size() + " answers agree");
    }

    @Test
    void weightsAreSymmetricInt8PerOutputChannel() {
        // Channel 0: max |w| = 2.54 -> scale 0.02, codes w / 0.02; channel 1 all zero -> scale 1, codes 0.
        float[] w = {2.54f, -1.0f, 0.3f, 0f, 0f, 0f};
        Int8Quantizer.QuantizedWeights q = Int8Quantizer.QuantizedWeights.of(w, 2);
        assertEquals(0.02f, q.scales()[0], 1e-7);
        assertEquals(1f, q.scales()[1]);
        assertArrayEquals(new byte[] {127, -50, 15, 0, 0, 0}, q.codes());
    }

    @Test
    void activationParametersFromARange() {
        // [-1, 3]: scale 4/255, zero point round(1 / (4/255)) = round(63.75) = 64.
        ActivationRange.QuantParams signed = ActivationRange.uint8(-1, 3);
        assertEquals(4 / 255.0, signed.scale(), 1e-7);
        assertEquals(64, signed.zeroPoint());
        // A ReLU output's range starts at 0 even when its low percentile is above it.
        ActivationRange.QuantParams relu = ActivationRange.uint8(0.5, 2);
        assertEquals(2 / 255.0, relu.scale(), 1e-7);
        assertEquals(0, relu.zeroPoint());
    }

    @Test
    void percentilesOfAStridedSample() {
        // 4,000,000 expected values keep every 2nd: of 0..1999 the even ones, whatever the chunking.
        ActivationRange range = new ActivationRange(2L * ActivationRange.MAX_SAMPLES);
        float[] values = new float[2000];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        range.add(FloatBuffer.wrap(values, 0, 777));
        range.add(FloatBuffer.wrap(values, 777, 2000 - 777).slice());
        assertEquals(1000, range.sampleCount());
        // Nearest rank over 0, 2, ..., 1998: the 999th value is 1996, the 1st is 0, the 500th is 998.
        assertEquals(1996, range.percentile(99.9));
        assertEquals(0, range.percentile(0.01));
        assertEquals(998, range.percentile(50));
    }

    @Test
    void thresholdsCalibratedForInt8GoIntoTheInt8ModelAndSurviveSaving(@TempDir Path tmp) {
        ModelBundle tiny = TestBundles.tiny(2);
        Onnx.ModelProto int8 = new Int8Quantizer(99.9).quantize(tiny, List.of(crops).iterator(), 16, "generated", n -> { });
        ModelBundle withInt8 = Int8Quantizer.attach(tiny, 0, int8);
        IllegalArgumentException noSecond = assertThrows(IllegalArgumentException.class,
                () -> Int8Quantizer.attach(tiny, 1, int8));
        assertTrue(noSecond.getMessage().endsWith("reads with 1 network: it has no member 2"), noSecond.getMessage());
        Thresholds before = Thresholds.fromKeys(Map.of("0.980", 0.91, "0.95", 0.8), "old-val");
        ModelBundle calibrated = Engine.ONNX_INT8.withThresholds(
                Engine.ONNX_INT8.withThresholds(withInt8, before), Thresholds.fromKeys(Map.of("0.98", 0.93), "val"));
        Path file = tmp.resolve("tiny.bundle");
        calibrated.save(file);
        ModelBundle reloaded = ModelBundle.load(file);
        // The merge matches "0.980" and "0.98" as one accuracy and keeps the accuracy not recalibrated.
        Thresholds expected = Thresholds.fromKeys(Map.of("0.95", 0.8, "0.98", 0.93), "val");
        assertEquals(expected, Engine.ONNX_INT8.thresholds(reloaded));
        try (InferenceEngine engine = Engine.ONNX_INT8.open(reloaded, 1)) {
            assertEquals(expected, engine.thresholds());
            assertEquals("tiny-test-2-int8", engine.modelId());
            assertEquals(engine.modelId(), Engine.ONNX_INT8.modelId(reloaded), "read without starting a runtime");
        }
        try (InferenceEngine engine = Engine.ONNX.open(reloaded)) {
            assertEquals("tiny-test-2", Engine.ONNX.modelId(reloaded));
            assertEquals(engine.modelId(), Engine.ONNX.modelId(reloaded));
        }
        assertTrue(reloaded.metadata().thresholds().isEmpty(), "the float thresholds are not touched");
        // Recalibrating the float model keeps the int8 one (and its threshold) in the bundle.
        ModelBundle floatCalibrated = Engine.DL4J.withThresholds(reloaded, Thresholds.fromKeys(Map.of("0.98", 0.5), "val"));
        assertEquals(0.5, floatCalibrated.metadata().thresholds().at(TargetAccuracy.PAPER).getAsDouble());
        assertEquals("val", floatCalibrated.metadata().provenance().get("thresholdsCalibratedOn"));
        try (InferenceEngine engine = Engine.ONNX_INT8.open(floatCalibrated)) {
            assertEquals(expected, engine.thresholds());
        }
    }

    /**
     * quantize gives an ensemble one int8 model per network, all on the same photos; onnx-int8 reads each
     * member through its own, which answers exactly as that network quantized alone does (the independent
     * computation), and the lead's carries the ensemble's id and int8 thresholds. The networks' paths stay
     * (here the lead reads only photos sent without a box).
     */
    @Test
    void anEnsembleIsQuantizedNetworkByNetwork() throws Exception {
        ModelBundle pair = Ensemble.join(List.of(TestBundles.tiny(1), TestBundles.tiny(2)), "pair", null, 1);
        Path file = dir.resolve("pair.bundle");
        pair.save(file);
        java.io.StringWriter out = new java.io.StringWriter();
        picocli.CommandLine quantize = new picocli.CommandLine(new QuantizeCommand());
        quantize.setOut(new java.io.PrintWriter(out));
        assertEquals(0, quantize.execute("--model", file.toString(), "--calibration",
                dir.resolve("generated").toString(), "--limit", "16"), out.toString());
        assertTrue(out.toString().contains("2 int8 networks of pair"), out.toString());
        ModelBundle quantized = ModelBundle.load(file);
        assertEquals("pair" + Int8Quantizer.MODEL_ID_SUFFIX, Engine.ONNX_INT8.modelId(quantized));

        try (Ensemble ensemble = Engine.ONNX_INT8.open(List.of(quantized))) {
            assertEquals("pair" + Int8Quantizer.MODEL_ID_SUFFIX, ensemble.modelId());
            assertEquals(2, ensemble.size());
            assertEquals(2, ensemble.paths().noBoxMembers());
            assertEquals(1, ensemble.paths().boxMembers());
            for (int m = 0; m < 2; m++) {
                Onnx.ModelProto alone = new Int8Quantizer(99.99).quantize(pair.members().get(m),
                        List.of(crops).iterator(), 16, "generated", n -> { });
                INDArray[] expected;
                try (OnnxEngine engine = new OnnxEngine(alone)) {
                    expected = engine.output(crops);
                }
                INDArray[] actual = ensemble.members().get(m).engine().output(crops);
                for (int h = 0; h < expected.length; h++) {
                    assertArrayEquals(expected[h].data().asFloat(), actual[h].data().asFloat(), 0f, "member " + m + " head " + h);
                }
            }
        }

        ModelBundle leadOnly = Int8Quantizer.attach(pair, 0, Engine.int8Model(quantized, 0));
        DataException missing = assertThrows(DataException.class, () -> Engine.ONNX_INT8.open(List.of(leadOnly)));
        assertTrue(missing.getMessage().startsWith("model pair has no int8 network for its member 2 of 2 ("),
                missing.getMessage());
        assertTrue(missing.getMessage().contains("streetnum quantize"), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Int8Quantizer.attach(pair, 2, shippedInt8));
        assertEquals("int8-member-4.onnx", Int8Quantizer.entry(3));
    }

    @Test
    void aBundleWithoutAnInt8ModelSaysHowToMakeOne() {
        DataException e = assertThrows(DataException.class, () -> Engine.ONNX_INT8.open(TestBundles.tiny(1)));
        assertTrue(e.getMessage().contains("streetnum quantize"), e.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Engine.parse("tensorrt"));
        assertTrue(bad.getMessage().contains("onnx-int8"), bad.getMessage());
        assertEquals(Engine.ONNX_INT8, Engine.parse("ONNX-int8"));
    }
}
