package dev.streetnum.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.SequenceLabels;
import dev.streetnum.data.SoftTargets;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

class GradientChecksTest {

    @Test
    void logitGradientMatchesCentredDifferences() {
        double error = GradientChecks.logitCheck(3);
        assertTrue(error < GradientChecks.LOGIT_TOLERANCE, "logit check: " + error);
    }

    @Test
    void aBrokenGradientFailsTheLogitCheckAndTheReport() {
        // Off by 10% on the length head only: the kind of slip a hand-written gradient makes.
        double error = GradientChecks.logitCheck(3, (logits, number) -> {
            double[][] g = SequenceLikelihood.gradientWrtLogits(logits, number);
            for (int j = 0; j < g[0].length; j++) {
                g[0][j] *= 1.1;
            }
            return g;
        });
        assertTrue(error > GradientChecks.LOGIT_TOLERANCE, "a 10% error must fail: " + error);
        GradientChecks.Report report = new GradientChecks.Report(true, 100, error, 0, 1);
        assertFalse(report.passed(), "DL4J's check alone must not pass the report");
        assertTrue(new GradientChecks.Report(true, 100, 1e-9, 1e-9, 1).passed());
        assertFalse(new GradientChecks.Report(true, 100, 1e-9, 1e-3, 1).passed());
        assertFalse(new GradientChecks.Report(false, 100, 1e-9, 1e-9, 1).passed());
    }

    /** Runs {@code check} with ND4J's default types set to double, then restores float. */
    private static void inDoublePrecision(Runnable check) {
        DataType before = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            check.run();
        } finally {
            Nd4j.setDefaultDataTypes(DataType.FLOAT, before);
        }
    }

    @Test
    void randomProjectionsAgreeWithBackprop() {
        inDoublePrecision(() -> {
            ComputationGraph net = GradientChecks.network(5);
            MultiDataSet batch = GradientChecks.batch(5);
            double error = GradientChecks.projectionCheck(net, batch, 5, 3);
            assertTrue(error < GradientChecks.PROJECTION_TOLERANCE, "projection check: " + error);
        });
    }

    @Test
    void randomProjectionsAgreeWithBackpropOnSoftTargets() {
        // Distillation's labels are distributions, not one-hot rows; the loss gradient must still be exact.
        inDoublePrecision(() -> {
            ComputationGraph net = GradientChecks.network(6);
            INDArray features = GradientChecks.batch(6).getFeatures(0);
            java.util.Random random = new java.util.Random(6);
            int rows = (int) features.size(0);
            SequenceLabels.Rows labels = new SequenceLabels.Rows(rows);
            SoftTargets[] teachers = new SoftTargets[rows];
            for (int e = 0; e < rows; e++) {
                teachers[e] = SoftTargets.of(dev.streetnum.data.TestData.randomHeads(random, 1));
                labels.put(e, teachers[e]);
            }
            MultiDataSet batch = new MultiDataSet(new INDArray[] {features}, labels.labels(DataType.DOUBLE), null,
                    labels.masks(DataType.DOUBLE));
            // The loss they mean: cross-entropy of the length head and of each digit the teacher expects.
            double error = GradientChecks.projectionCheck(net, batch, 6, 3, (student, e) -> {
                double loss = 0;
                for (int h = 0; h < SequenceLabels.HEADS; h++) {
                    if (h == 0 || teachers[e].hasDigit(h - 1)) {
                        float[] q = teachers[e].head(h);
                        for (int k = 0; k < q.length; k++) {
                            loss -= q[k] * Math.log(student[h][k]);
                        }
                    }
                }
                return loss;
            });
            assertTrue(error < GradientChecks.PROJECTION_TOLERANCE, "projection check: " + error);
        });
    }

    @Test
    void dl4jGradientCheckPassesAndDefaultsAreRestored() {
        DataType before = Nd4j.defaultFloatingPointType();
        GradientChecks.Report report = GradientChecks.run(12, 2);
        assertTrue(report.dl4jPassed(), "DL4J GradientCheckUtil on " + report.parameters() + " parameters");
        assertEquals(before, Nd4j.defaultFloatingPointType());
    }
}
