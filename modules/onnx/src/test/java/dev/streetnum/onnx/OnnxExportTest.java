package dev.streetnum.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.AnnotatedImage;
import dev.streetnum.data.PreprocessConfig;
import dev.streetnum.data.TestData;
import dev.streetnum.model.BundleMetadata;
import dev.streetnum.model.Dl4jEngine;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.TargetAccuracy;
import dev.streetnum.model.Thresholds;
import dev.streetnum.model.NetworkOptions;
import dev.streetnum.model.Preset;
import dev.streetnum.model.StreetNumberNetwork;
import dev.streetnum.model.TestBundles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import onnx.Onnx;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The exported model, run by ONNX Runtime, gives DL4J's outputs within 1e-4 on generated and real crops. */
class OnnxExportTest {

    static final double TOLERANCE = 1e-4;
    /** The shipped model, from the module folder. */
    static final Path SHIPPED = Path.of("../../models/streetnum-cpu.bundle");

    @TempDir
    static Path dir;
    static INDArray generatedCrops;

    @BeforeAll
    static void crops() {
        Path data = TestData.generatedSet(dir.resolve("generated"), 16, 7);
        generatedCrops = CentreCrops.of(AnnotatedDataset.load(data, false).images(), PreprocessConfig.DEFAULT);
    }

    @Test
    void tinyNetworkMatchesDl4j() {
        assertMatches(TestBundles.tiny(3), generatedCrops);
    }

    /**
     * Batch norm folded into the convolution before it: with statistics far from the initial ones
     * (means, small and large variances, gammas, betas), so a wrong formula or epsilon would show.
     */
    @Test
    void batchNormIsFoldedExactly() {
        ComputationGraph network = StreetNumberNetwork.build(Preset.TINY_BN, NetworkOptions.seeded(6));
        java.util.Random random = new java.util.Random(6);
        for (org.deeplearning4j.nn.api.Layer layer : network.getLayers()) {
            if (layer.conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.BatchNormalization) {
                for (String key : layer.paramTable().keySet()) {
                    INDArray p = layer.getParam(key);
                    float[] values = new float[(int) p.length()];
                    for (int i = 0; i < values.length; i++) {
                        double u = random.nextDouble();
                        values[i] = (float) switch (key) {
                            case "log10stdev" -> -2.5 + 3 * u; // std from 0.003 (var 1e-5, as large as eps) to 3
                            case "gamma" -> 0.5 + u;
                            default -> u - 0.5; // mean, beta
                        };
                    }
                    layer.setParam(key, Nd4j.create(values).reshape(p.shape()));
                }
            }
        }
        assertMatches(new ModelBundle(network, BundleMetadata.create("tiny-bn", Preset.TINY_BN, PreprocessConfig.DEFAULT,
                Map.of())), generatedCrops);
    }

    /** A deepened preset: convolutions with no pool between them (random weights, not identities). */
    @Test
    void convolutionsWithoutPoolsBetweenThemMatchDl4j() {
        ComputationGraph network = StreetNumberNetwork.build(Preset.TINY_DEEP, NetworkOptions.seeded(8));
        assertMatches(new ModelBundle(network, BundleMetadata.create("tiny-deep", Preset.TINY_DEEP,
                PreprocessConfig.DEFAULT, Map.of())), generatedCrops);
        LayerChain chain = LayerChain.of(network, 3, PreprocessConfig.DEFAULT.crop(), PreprocessConfig.DEFAULT.crop());
        assertTrue(chain.body().get(2) instanceof LayerChain.Conv, "conv2 follows pool1: " + chain.body());
        assertTrue(chain.body().get(3) instanceof LayerChain.Conv, "conv3 follows conv2 directly: " + chain.body());
    }

    /**
     * The paper preset's "same" pools (stride 1, and stride 2 on an odd side) pad on the bottom/right
     * only; a small network with such pools checks the export's padding against DL4J's.
     */
    @Test
    void samePaddedPoolsMatchDl4j() {
        int side = PreprocessConfig.DEFAULT.crop();
        ComputationGraphConfiguration.GraphBuilder graph = new NeuralNetConfiguration.Builder().seed(9)
                .weightInit(WeightInit.RELU).graphBuilder().addInputs("image")
                .addLayer("conv1", new ConvolutionLayer.Builder(3, 3).convolutionMode(ConvolutionMode.Same).nOut(4)
                        .activation(Activation.RELU).build(), "image")
                .addLayer("pool1", samePool(1), "conv1")
                .addLayer("conv2", new ConvolutionLayer.Builder(5, 5).convolutionMode(ConvolutionMode.Same).nOut(6)
                        .activation(Activation.RELU).build(), "pool1")
                .addLayer("pool2", samePool(2), "conv2") // 54 -> 27
                .addLayer("pool3", samePool(2), "pool2") // 27 (odd) -> 14
                .addLayer("dense1", new DenseLayer.Builder().nOut(12).activation(Activation.RELU).build(), "pool3");
        for (int i = 0; i < StreetNumberNetwork.OUTPUTS.length; i++) {
            graph.addLayer(StreetNumberNetwork.OUTPUTS[i], new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                    .nOut(i == 0 ? 7 : 10).activation(Activation.SOFTMAX).build(), "dense1");
        }
        graph.setOutputs(StreetNumberNetwork.OUTPUTS).setInputTypes(InputType.convolutional(side, side, 3));
        ComputationGraph network = new ComputationGraph(graph.build());
        network.init();
        assertMatches(new ModelBundle(network, BundleMetadata.create("same-pools", Preset.PAPER,
                PreprocessConfig.DEFAULT, Map.of())), generatedCrops);
        LayerChain chain = LayerChain.of(network, 3, side, side);
        assertArrayEquals(new int[] {0, 0, 1, 1}, ((LayerChain.MaxPool) chain.body().get(1)).pads());
        assertArrayEquals(new int[] {0, 0, 1, 1}, ((LayerChain.MaxPool) chain.body().get(4)).pads());
        assertEquals(6 * 14 * 14, ((LayerChain.Dense) chain.body().get(5)).in());
    }

    private static SubsamplingLayer samePool(int stride) {
        return new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(stride, stride)
                .convolutionMode(ConvolutionMode.Same).build();
    }

    @Test
    void shippedModelMatchesDl4jOnGeneratedAndRealCrops() {
        ModelBundle shipped = ModelBundle.load(SHIPPED);
        assertMatches(shipped, generatedCrops);
        // Real photos only where the checkout has the SVHN sample beside it (not in CI).
        TestData.shared("svhn-real/train").ifPresent(real -> {
            List<AnnotatedImage> images = AnnotatedDataset.load(real, true).images().subList(0, 32);
            assertMatches(shipped, CentreCrops.of(images, shipped.metadata().preprocess()));
        });
    }

    @Test
    void metadataTravelsInTheModel() {
        ModelBundle bundle = TestBundles.tiny(4);
        bundle = bundle.withMetadata(bundle.metadata().withThresholds(
                Thresholds.NONE.with(TargetAccuracy.PAPER, 0.75).calibratedOn("val")));
        Onnx.ModelProto model = OnnxExporter.export(bundle);
        Map<String, String> props = OnnxMetadata.properties(model);
        assertEquals("tiny-test-4", props.get(OnnxMetadata.MODEL_ID));
        assertEquals(Map.of("0.98", 0.75), OnnxMetadata.thresholds(props).byKey());
        assertEquals("val", props.get(OnnxMetadata.THRESHOLDS_CALIBRATED_ON));
        assertTrue(props.get("streetnum.normalisation").startsWith(BundleMetadata.PER_IMAGE_MEAN), props.toString());
        try (OnnxEngine engine = new OnnxEngine(model)) {
            assertEquals("tiny-test-4", engine.modelId());
            assertEquals(bundle.metadata().thresholds(), engine.thresholds());
        }
    }

    static void assertMatches(ModelBundle bundle, INDArray crops) {
        INDArray[] expected = new Dl4jEngine(bundle).output(crops);
        INDArray[] actual;
        try (OnnxEngine engine = new OnnxEngine(OnnxExporter.export(bundle))) {
            actual = engine.output(crops);
        }
        assertEquals(expected.length, actual.length);
        for (int h = 0; h < expected.length; h++) {
            assertEquals(List.of(expected[h].shape()[0], expected[h].shape()[1]), List.of(actual[h].shape()[0], actual[h].shape()[1]));
            double diff = expected[h].castTo(actual[h].dataType()).sub(actual[h]).amaxNumber().doubleValue();
            assertTrue(diff < TOLERANCE, "head " + h + " of " + bundle.metadata().modelId() + " differs by " + diff);
            // Not trivially equal: the heads are not uniform, so a wrong layout would show.
            assertTrue(expected[h].maxNumber().doubleValue() > 1.5 / expected[h].size(1), "head " + h + " is uniform");
        }
    }

    /**
     * A bundle whose networks do not all read on both paths (photos without a box, callers' boxes) opens as
     * an ensemble that keeps that, on every engine; beside other bundles, where it could not, it is refused.
     */
    @Test
    void aBundleKeepsItsPathReadersOnEveryEngineAndReadsAlone() {
        ModelBundle three = dev.streetnum.model.Ensemble.join(
                List.of(TestBundles.tiny(1), TestBundles.tiny(2), TestBundles.tiny(3)), "three", 2, 2,
                dev.streetnum.model.EnsembleScore.AGREEMENT, null);
        for (Engine engine : List.of(Engine.DL4J, Engine.ONNX)) {
            try (dev.streetnum.model.Ensemble opened = engine.open(List.of(three))) {
                assertEquals(3, opened.size(), engine.name());
                assertEquals(2, opened.paths().noBoxMembers(), engine.name());
                assertEquals(2, opened.paths().boxMembers(), engine.name());
                assertEquals(dev.streetnum.model.EnsembleScore.AGREEMENT, opened.paths().boxScore(), engine.name());
            }
        }
        try (dev.streetnum.model.Ensemble pair = Engine.DL4J.open(List.of(TestBundles.tiny(1), TestBundles.tiny(2)))) {
            assertEquals(2, pair.paths().noBoxMembers());
            assertEquals(2, pair.paths().boxMembers());
        }
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Engine.DL4J.open(List.of(three, TestBundles.tiny(4))));
        assertTrue(e.getMessage().startsWith("model three reads with 3 networks: the last 2 networks read a caller's"
                + " box and the first 2 a photo sent without one (the answer to a caller's box scored by the networks'"
                + " agreement), which an ensemble of several bundles cannot"
                + " keep"), e.getMessage());
    }
}
