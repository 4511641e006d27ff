package dev.streetnum.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.Augmentation;
import dev.streetnum.data.CropExpander;
import dev.streetnum.data.DataException;
import dev.streetnum.data.HeldOutPhotos;
import dev.streetnum.data.PreprocessConfig;
import dev.streetnum.data.SequenceLabels;
import dev.streetnum.data.StreetNumberIterator;
import dev.streetnum.data.TestData;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.NetworkOptions;
import dev.streetnum.model.Preset;
import dev.streetnum.model.SequenceDecoder;
import dev.streetnum.model.StreetNumberNetwork;
import dev.streetnum.model.Transcription;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class ConsistencyRowsTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void data() {
        TestData.generatedSet(dir.resolve("data/train"), 24, 31);
        TestData.generatedSet(dir.resolve("data/val"), 8, 32);
        // Ten photos in batches of four: two full batches and one of two an epoch.
        TestData.generatedSet(dir.resolve("unlabelled"), 10, 33);
    }

    /** A head sure of {@code cls} with probability {@code p}, the rest spread evenly. */
    private static double[] sure(int classes, int cls, double p) {
        double[] v = new double[classes];
        java.util.Arrays.fill(v, (1 - p) / (classes - 1));
        v[cls] = p;
        return v;
    }

    private static double[][] reading(int length, double lengthP, int[] digits, double digitP) {
        double[][] h = new double[SequenceLabels.HEADS][];
        h[0] = sure(SequenceLabels.LENGTH_CLASSES, length, lengthP);
        for (int i = 0; i < SequenceLabels.MAX_DIGITS; i++) {
            h[1 + i] = sure(SequenceLabels.DIGIT_CLASSES, i < digits.length ? digits[i] : 0, digitP);
        }
        return h;
    }

    @Test
    void aReadingTeachesItsNumberOnlyWhereItIsAcceptedAndNotEmpty() {
        // P(S|x) by hand: 0.99^3 = 0.970 for "42" read surely; 0.99 * 0.96^2 = 0.912 read less surely; the
        // third's most probable reading is no digits at all (length class 0 at 0.99).
        INDArray[] heads = TestData.headsBatch(reading(2, 0.99, new int[] {4, 2}, 0.99), reading(2, 0.99, new int[] {4, 2}, 0.96),
                reading(0, 0.99, new int[] {7}, 0.99));
        SequenceLabels.Rows rows = ConsistencyRows.targets(SequenceDecoder.decode(heads), 0.95);
        assertEquals(1, rows.labelledRows());
        INDArray[] labels = rows.labels(DataType.FLOAT);
        INDArray[] masks = rows.masks(DataType.FLOAT);
        assertEquals("42", SequenceLabels.decode(labels, 0));
        float[][] expectedMasks = {{1, 0, 0}, {1, 0, 0}, {1, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}};
        for (int h = 0; h < SequenceLabels.HEADS; h++) {
            for (int r = 0; r < 3; r++) {
                assertEquals(expectedMasks[h][r], masks[h].getFloat(r, 0), "head " + h + " row " + r);
            }
        }
        // At 0.9 the second (0.912) teaches too; 0.99^3 and 0.99 * 0.96^2 straddle 0.95 and not 0.9.
        assertEquals(2, ConsistencyRows.targets(SequenceDecoder.decode(heads), 0.9).labelledRows());
    }

    @Test
    void rowsThatTeachNothingAddNothingToTheLossAndTheLabelledRowsWeighByTheirShare() {
        // No weight decay: its term in the score does not scale with the rows.
        ComputationGraph net = StreetNumberNetwork.build(Preset.TINY, new NetworkOptions(1e-3, 0, 0, 3));
        SequenceLabels.Rows labelledRows = new SequenceLabels.Rows(3);
        labelledRows.put(0, new int[] {1, 8, 4, 9});
        labelledRows.put(1, new int[] {7});
        labelledRows.put(2, new int[] {2, 0});
        INDArray features = Nd4j.rand(DataType.FLOAT, 3, 3, 54, 54);
        MultiDataSet labelled = new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {features},
                labelledRows.labels(DataType.FLOAT), null, labelledRows.masks(DataType.FLOAT));
        SequenceLabels.Rows none = new SequenceLabels.Rows(2);
        MultiDataSet joined = ConsistencyRows.join(labelled, Nd4j.rand(DataType.FLOAT, 2, 3, 54, 54), none);
        assertEquals(5, joined.getFeatures(0).size(0));
        assertEquals(labelled.getFeatures(0), joined.getFeatures(0).get(NDArrayIndex.interval(0, 3)));
        // DL4J averages the loss over every row of the minibatch, masked or not.
        double alone = net.score(labelled, false);
        double withMasked = net.score(joined, false);
        assertEquals(alone * 3 / 5, withMasked, 1e-4 * alone);
    }

    @Test
    void theRowsAnIterationDrawsDependOnTheIterationAloneAcrossEpochs() {
        Consistency config = new Consistency(dir.resolve("unlabelled"), 1e-9, 4, Consistency.STRONG);
        CropExpander expander = new CropExpander(PreprocessConfig.DEFAULT);
        AnnotatedDataset photos = AnnotatedDataset.load(config.photos(), false);
        ComputationGraph net = readingTwoDigits();
        MultiDataSet labelled = labelledBatch();
        try (ConsistencyRows straight = new ConsistencyRows(config, photos, expander, 5, 1);
             ConsistencyRows resumed = new ConsistencyRows(config, photos, expander, 5, 1)) {
            MultiDataSet[] drawn = new MultiDataSet[8];
            for (int it = 0; it < drawn.length; it++) {
                drawn[it] = straight.appendTo(labelled, net, it);
            }
            // Three batches an epoch: iteration 4 is the second batch of the second epoch.
            for (int it = 4; it < drawn.length; it++) {
                MultiDataSet again = resumed.appendTo(labelled, net, it);
                assertEquals(drawn[it].getFeatures(0), again.getFeatures(0), "iteration " + it);
                for (int h = 0; h < SequenceLabels.HEADS; h++) {
                    assertEquals(drawn[it].getLabels(h), again.getLabels(h));
                    assertEquals(drawn[it].getLabelsMaskArray(h), again.getLabelsMaskArray(h));
                }
            }
            assertEquals(2 + 4, drawn[0].getFeatures(0).size(0));
            assertEquals(2 + 2, drawn[2].getFeatures(0).size(0), "an epoch's last batch holds the other two photos");
            assertFalse(drawn[0].getFeatures(0).equals(drawn[3].getFeatures(0)), "each epoch shuffles and crops anew");
            double taught = 0;
            double rows = 0;
            for (MultiDataSet d : drawn) {
                INDArray teaches = d.getLabelsMaskArray(0).get(NDArrayIndex.interval(2, d.getFeatures(0).size(0)));
                taught += teaches.sumNumber().doubleValue();
                rows += teaches.length();
            }
            assertTrue(taught > 0, "at a threshold near 0 the readings teach");
            assertEquals(taught / rows, straight.acceptedShareSinceAsked(), 1e-12);
            assertTrue(Double.isNaN(straight.acceptedShareSinceAsked()), "and the count starts again when asked");
        }
        Consistency plainViews = new Consistency(config.photos(), config.threshold(), 4, Augmentation.NONE);
        try (ConsistencyRows rows = new ConsistencyRows(plainViews, photos, expander, 5, 1);
             StreetNumberIterator weakViews = new StreetNumberIterator(photos, expander,
                     new StreetNumberIterator.Options(4, true, true, 5, 1, null, Augmentation.NONE))) {
            MultiDataSet drawn = rows.appendTo(labelled, net, 0);
            INDArray strong = drawn.getFeatures(0).get(NDArrayIndex.interval(2, 6));
            INDArray weak = weakViews.next().getFeatures(0);
            assertEquals(weak, strong, "the two views share order and crop: without its jitter the strong view is the weak one");
            List<Transcription> readings = SequenceDecoder.decode(net.output(false, weak));
            for (int r = 0; r < 4; r++) {
                boolean teaches = drawn.getLabelsMaskArray(0).getFloat(2 + r, 0) == 1f;
                Transcription reading = readings.get(r);
                assertEquals(reading.transcribable() && !reading.candidate().isEmpty(), teaches, "row " + r);
                if (teaches) {
                    assertEquals(reading.candidate(), SequenceLabels.decode(drawn.getLabels(), 2 + r), "row " + r);
                }
            }
        }
    }

    @Test
    void aRunRefusesConsistencyPhotosThatAreValidationPhotosAndRecordsThePhotosItUsed() {
        TrainingData data = TrainingData.load(dir.resolve("data"), List.of());
        TrainConfig config = new TrainConfig(Preset.TINY, 100, 0, 2, 8, 1e-3, LearningRateSchedule.CONSTANT, 0, 0, 5,
                2, 8, 0, 0, 1, null);
        DataException refused = assertThrows(DataException.class, () -> new Trainer(config.withConsistency(
                new Consistency(dir.resolve("data/val"), 0.95, 4, Consistency.STRONG)), dir.resolve("refused"), "test")
                .train(data, false));
        assertTrue(refused.getMessage().contains(", the validation photo "), refused.getMessage());
        assertFalse(Files.exists(dir.resolve("refused")), "refused before the run folder is made");

        ModelBundle bundle = new Trainer(config.withConsistency(new Consistency(dir.resolve("unlabelled"), 0.95, 4,
                Consistency.STRONG)), dir.resolve("run"), "test").train(data, false);
        Object used = bundle.metadata().provenance().get("consistency_data");
        assertTrue(used != null && used.toString().contains("unlabelled"), "provenance: " + bundle.metadata().provenance());
        assertEquals(10, ((Number) bundle.metadata().provenance().get("consistency_images")).intValue());
    }

    /** A validation photo copied under another name is the photo; the message names it as the user gave its folder. */
    @Test
    void aCopyOfAValidationPhotoUnderAnotherNameIsRefusedNamedAsGiven() throws Exception {
        AnnotatedDataset val = AnnotatedDataset.load(dir.resolve("data/val"), false);
        Path folder = TestData.generatedSet(dir.resolve("copied"), 3, 34);
        AnnotatedDataset copied = AnnotatedDataset.load(folder, false);
        String renamed = copied.nameOf(copied.images().get(0));
        String original = val.nameOf(val.images().get(1));
        assertNotEquals(original, renamed);
        Files.copy(val.images().get(1).file(), folder.resolve(renamed), StandardCopyOption.REPLACE_EXISTING);
        Path given = Path.of("").toAbsolutePath().relativize(folder.toAbsolutePath());

        DataException refused = assertThrows(DataException.class, () -> ConsistencyRows.photos(
                new Consistency(given, 0.95, 4, Consistency.STRONG), HeldOutPhotos.validation(val, dir.resolve("data/val"))));
        assertEquals("the consistency photos (" + given + ") include " + given.resolve(renamed) + ", the validation photo "
                + dir.resolve("data/val").resolve(original) + ": a run is selected on its validation photos, so it must not train on them, labels or none",
                refused.getMessage());
    }

    /**
     * An untrained network reads almost every crop as no digits (each digit costs probability); its length
     * head's bias made to favour two digits makes it read numbers, whose rows then teach.
     */
    private static ComputationGraph readingTwoDigits() {
        ComputationGraph net = StreetNumberNetwork.build(Preset.TINY, new NetworkOptions(1e-3, 0, 0, 3));
        INDArray bias = net.getLayer(StreetNumberNetwork.OUTPUTS[0]).getParam("b");
        bias.putScalar(2, 8.0);
        return net;
    }

    private static MultiDataSet labelledBatch() {
        SequenceLabels.Rows rows = new SequenceLabels.Rows(2);
        rows.put(0, new int[] {3});
        rows.put(1, new int[] {5, 6});
        return new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {Nd4j.rand(DataType.FLOAT, 2, 3, 54, 54)},
                rows.labels(DataType.FLOAT), null, rows.masks(DataType.FLOAT));
    }
}
