package dev.streetnum.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.learning.config.Sgd;

class LayerMonitorTest {

    private static final double RATE = 0.05;

    @Test
    void statisticsMatchAnIndependentComputation(@TempDir Path dir) throws Exception {
        MultiDataSet batch = TinyGraphs.batches(1, 6, 9).get(0);
        ComputationGraph net = TinyGraphs.twoHeads(4, new Sgd(RATE), 0);
        ComputationGraph twin = net.clone();
        INDArray before = net.getLayer("dense1").params().dup();

        LayerMonitor monitor = new LayerMonitor(dir, true);
        net.setListeners(monitor);
        monitor.arm(0);
        net.fit(batch);
        LayerStats dense = monitor.lastSnapshot().stream().filter(s -> s.layer().equals("dense1")).findFirst().orElseThrow();

        // Activations, by hand from the untouched twin (no dropout: training and inference agree).
        double[] a = twin.feedForward(batch.getFeatures(0), false).get("dense1").ravel().toDoubleVector();
        double mean = 0;
        int off = 0;
        for (double v : a) {
            mean += v / a.length;
            off += v <= 0 ? 1 : 0;
        }
        double ss = 0;
        for (double v : a) {
            ss += (v - mean) * (v - mean);
        }
        assertEquals(mean, dense.activationMean(), 1e-5);
        assertEquals(Math.sqrt(ss / (a.length - 1)), dense.activationStd(), 1e-5);
        assertEquals((double) off / a.length, dense.reluOff(), 1e-12);

        // Plain SGD steps by rate x (gradient of the mean loss), so the parameter change measures the
        // gradient independently of the listener.
        INDArray after = net.getLayer("dense1").params();
        double stepNorm = after.sub(before).norm2Number().doubleValue();
        assertEquals(after.norm2Number().doubleValue(), dense.parameterNorm(), 1e-6);
        assertEquals(stepNorm / after.norm2Number().doubleValue(), dense.updateRatio(), 1e-9);

        // Under plain SGD the step is rate x gradient, so ||step|| / rate is the raw gradient's norm.
        assertEquals(stepNorm / RATE, dense.gradientNorm(), 1e-5 * stepNorm / RATE);
        LayerStats conv = monitor.lastSnapshot().stream().filter(s -> s.layer().equals("conv1")).findFirst().orElseThrow();
        INDArray convStep = net.getLayer("conv1").params().sub(twin.getLayer("conv1").params());
        assertEquals(convStep.norm2Number().doubleValue() / RATE, conv.gradientNorm(),
                1e-5 * convStep.norm2Number().doubleValue() / RATE);
        List<String> csv = Files.readAllLines(dir.resolve(LayerMonitor.CSV_NAME));
        assertEquals(LayerMonitor.HEADER, csv.get(0));
        assertEquals(1 + net.getLayers().length, csv.size());
        assertTrue(Files.size(dir.resolve("monitor/activations-000000.png")) > 0);
        assertTrue(Files.size(dir.resolve("monitor/gradients-000000.png")) > 0);

        // Not armed: nothing measured, nothing written.
        net.fit(batch);
        assertEquals(1 + net.getLayers().length, Files.readAllLines(dir.resolve(LayerMonitor.CSV_NAME)).size());
    }

    @Test
    void deadUnitsAreThoseNeverOnInTheWholeBatch() {
        // [batch 2, units 3]: unit 0 on once, unit 1 never, unit 2 always.
        INDArray on = org.nd4j.linalg.factory.Nd4j.createFromArray(new double[][] {{1, 0, 1}, {0, 0, 1}});
        assertEquals(1.0 / 3, LayerMonitor.unitsNeverOn(on), 1e-12);
    }
}
