package dev.streetnum.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

class GradientChecksTest {

    @Test
    void logitGradientMatchesCentredDifferences() {
        double error = GradientChecks.logitCheck(3);
        assertTrue(error < 1e-6, "logit check: " + error);
    }

    @Test
    void randomProjectionsAgreeWithBackprop() {
        DataType before = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            ComputationGraph net = GradientChecks.network(5);
            MultiDataSet batch = GradientChecks.batch(5);
            double error = GradientChecks.projectionCheck(net, batch, 5, 3);
            assertTrue(error < 1e-5, "projection check: " + error);
        } finally {
            Nd4j.setDefaultDataTypes(DataType.FLOAT, before);
        }
    }

    @Test
    void dl4jGradientCheckPassesAndDefaultsAreRestored() {
        DataType before = Nd4j.defaultFloatingPointType();
        GradientChecks.Report report = GradientChecks.run(12, 2);
        assertTrue(report.dl4jPassed(), "DL4J GradientCheckUtil on " + report.parameters() + " parameters");
        assertEquals(before, Nd4j.defaultFloatingPointType());
    }
}
