package dev.streetnum.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.PreprocessConfig;
import dev.streetnum.data.TestData;
import dev.streetnum.model.Dl4jEngine;
import dev.streetnum.model.ModelBundle;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import onnx.Onnx;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

class Int8QuantizerTest {

    @TempDir
    static Path dir;
    static INDArray crops;

    @BeforeAll
    static void crops() {
        Path data = TestData.generatedSet(dir.resolve("generated"), 24, 11);
        crops = CentreCrops.of(AnnotatedDataset.load(data, false).images(), PreprocessConfig.DEFAULT);
    }

    @Test
    void shippedModelFuses() {
        ModelBundle shipped = ModelBundle.load(OnnxExportTest.SHIPPED);
        Onnx.ModelProto int8 = new Int8Quantizer(99.99).quantize(shipped, List.of(crops).iterator(), 24, "generated", n -> { });
        List<String> ops = OnnxEngine.optimizedOperators(int8, dir);
        System.out.println(Int8Quantizer.operatorCounts(ops));
        INDArray[] expected = new Dl4jEngine(shipped).output(crops);
        try (OnnxEngine engine = new OnnxEngine(int8)) {
            INDArray[] actual = engine.output(crops);
            for (int h = 0; h < expected.length; h++) {
                System.out.println("head " + h + " max diff " + expected[h].sub(actual[h]).amaxNumber());
            }
        }
    }
}
