package dev.streetnum.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.AnnotatedImage;
import dev.streetnum.data.PreprocessConfig;
import dev.streetnum.data.TestData;
import dev.streetnum.model.BundleMetadata;
import dev.streetnum.model.Dl4jEngine;
import dev.streetnum.model.ModelBundle;
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
import org.nd4j.linalg.api.ndarray.INDArray;

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
        Path data = TestData.generatedSet(dir.resolve("generated"), 24, 7);
        generatedCrops = CentreCrops.of(AnnotatedDataset.load(data, false).images(), PreprocessConfig.DEFAULT);
    }

    @Test
    void tinyNetworkMatchesDl4j() {
        assertMatches(TestBundles.tiny(3), generatedCrops);
    }

    @Test
    void cpuPresetMatchesDl4j() {
        ModelBundle bundle = new ModelBundle(StreetNumberNetwork.build(Preset.CPU, NetworkOptions.seeded(5)),
                BundleMetadata.create("cpu-random", Preset.CPU, PreprocessConfig.DEFAULT, Map.of()));
        assertMatches(bundle, generatedCrops);
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
        bundle = bundle.withMetadata(bundle.metadata().withThreshold("0.98", 0.75));
        Onnx.ModelProto model = OnnxExporter.export(bundle);
        Map<String, String> props = OnnxMetadata.properties(model);
        assertEquals("tiny-test-4", props.get(OnnxMetadata.MODEL_ID));
        assertEquals(Map.of("0.98", 0.75), OnnxMetadata.thresholds(props));
        assertTrue(props.get("streetnum.normalisation").startsWith(BundleMetadata.PER_IMAGE_MEAN), props.toString());
        try (OnnxEngine engine = new OnnxEngine(model)) {
            assertEquals("tiny-test-4", engine.modelId());
            assertEquals(0.75, engine.thresholds().get("0.98"));
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
}
