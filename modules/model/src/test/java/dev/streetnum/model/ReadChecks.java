package dev.streetnum.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.Box;
import dev.streetnum.data.CropExpander;
import dev.streetnum.data.PreprocessConfig;
import dev.streetnum.data.SequenceLabels;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** What the reading tests compute independently of {@link Transcriber}, and how they compare answers. */
final class ReadChecks {

    private ReadChecks() {
    }

    /** One network's P(S|x) of {@code text}: P(L = n) times each of its digits' probabilities, entry by entry. */
    static double probabilityOf(double[][] heads, String text) {
        double p = heads[0][text.length()];
        for (int i = 0; i < text.length(); i++) {
            p *= heads[1 + i][text.charAt(i) - '0'];
        }
        return p;
    }

    /**
     * Each head's probabilities averaged over every model and view of a region, from the networks' own
     * outputs one view at a time (the first bundle's preprocessing).
     */
    static double[][] meanByHand(List<ModelBundle> bundles, Mat photo, Box box, ReadViews views) {
        CropExpander expander = new CropExpander(bundles.get(0).metadata().preprocess());
        PreprocessConfig c = expander.config();
        double[][] mean = new double[SequenceLabels.HEADS][];
        for (ReadViews.View view : views.views()) {
            float[] input = new float[expander.inputSize()];
            expander.normalise(expander.expandedCropBytes(photo, view.region(box)),
                    expander.centreOffset() + view.dx(), expander.centreOffset() + view.dy(), input, 0);
            for (ModelBundle bundle : bundles) {
                INDArray[] heads = bundle.network().output(false,
                        Nd4j.create(input, new long[] {1, c.channels(), c.crop(), c.crop()}));
                for (int h = 0; h < mean.length; h++) {
                    double[] p = heads[h].toDoubleVector();
                    if (mean[h] == null) {
                        mean[h] = new double[p.length];
                    }
                    for (int k = 0; k < p.length; k++) {
                        mean[h][k] += p[k] / (views.count() * bundles.size());
                    }
                }
            }
        }
        return mean;
    }

    /** Of several answers for one photo, the one with the highest P(S|x) (the first among equals). */
    static Transcription surest(List<Transcription> answers) {
        return answers.stream().reduce((a, b) -> b.logProbability() > a.logProbability() ? b : a).orElseThrow();
    }

    /** Bit for bit: the same answers, probabilities, alternatives and regions. */
    static void assertSameAnswers(List<Transcription> expected, List<Transcription> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            Transcription a = expected.get(i);
            Transcription b = actual.get(i);
            String where = "photo " + i;
            assertEquals(a.candidate(), b.candidate(), where);
            assertEquals(a.transcribable(), b.transcribable(), where);
            assertEquals(a.logProbability(), b.logProbability(), 0.0, where);
            assertEquals(a.adHocConfidence(), b.adHocConfidence(), 0.0, where);
            assertArrayEquals(a.lengthProbabilities(), b.lengthProbabilities(), 0.0, where);
            assertTrue(java.util.Arrays.deepEquals(a.digitProbabilities(), b.digitProbabilities()), where);
            assertEquals(a.alternatives(), b.alternatives(), where);
            assertEquals(a.box(), b.box(), where);
            assertEquals(a.boxSource(), b.boxSource(), where);
        }
    }
}
