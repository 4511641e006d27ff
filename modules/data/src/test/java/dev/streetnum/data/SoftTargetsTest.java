package dev.streetnum.data;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/** A teacher's distributions: validation, their encoding as labels and masks, the file beside labels.csv. */
class SoftTargetsTest {

    @TempDir
    Path dir;

    private static double[][] randomHeads(Random random) {
        return TestData.randomHeads(random, 2);
    }

    /** The one-hot distributions of a number, as its hard labels would be (digit heads past it uniform). */
    private static double[][] oneHot(int[] number) {
        double[][] heads = new double[SequenceLabels.HEADS][];
        heads[0] = new double[SequenceLabels.LENGTH_CLASSES];
        heads[0][SequenceLabels.lengthClass(number.length)] = 1;
        for (int i = 0; i < SequenceLabels.MAX_DIGITS; i++) {
            heads[1 + i] = new double[SequenceLabels.DIGIT_CLASSES];
            if (i < number.length) {
                heads[1 + i][number[i]] = 1;
            } else {
                java.util.Arrays.fill(heads[1 + i], 0.1);
            }
        }
        return heads;
    }

    @Test
    void aOneHotTargetEncodesExactlyAsTheNumbersHardLabels() {
        int[][] numbers = {{7}, {1, 8, 4, 9}, {1, 2, 3, 4, 5, 6, 7}};
        SequenceLabels.Rows hard = new SequenceLabels.Rows(numbers.length);
        SequenceLabels.Rows soft = new SequenceLabels.Rows(numbers.length);
        for (int r = 0; r < numbers.length; r++) {
            hard.put(r, numbers[r]);
            soft.put(r, SoftTargets.of(oneHot(numbers[r])));
        }
        INDArray[] hardMasks = hard.masks(DataType.FLOAT);
        INDArray[] softMasks = soft.masks(DataType.FLOAT);
        INDArray[] hardLabels = hard.labels(DataType.FLOAT);
        INDArray[] softLabels = soft.labels(DataType.FLOAT);
        for (int h = 0; h < SequenceLabels.HEADS; h++) {
            assertEquals(hardMasks[h], softMasks[h], "mask of head " + h);
            for (int r = 0; r < numbers.length; r++) {
                // Masked-off rows carry no loss: only the rows a mask keeps must agree.
                if (hardMasks[h].getFloat(r, 0) == 1) {
                    assertEquals(hardLabels[h].getRow(r), softLabels[h].getRow(r), "head " + h + " row " + r);
                }
            }
        }
    }

    @Test
    void digitHeadsAreTrainedWhereTheTeacherExpectsThatDigit() {
        double[][] heads = randomHeads(new Random(3));
        // P(L > i) by hand: 0.9, 0.7, 0.45, 0.4, 0.3 for i = 0..4 (">5" counts for every i).
        heads[0] = new double[] {0.1, 0.2, 0.25, 0.05, 0.1, 0.15, 0.15};
        SequenceLabels.Rows rows = new SequenceLabels.Rows(1);
        rows.put(0, SoftTargets.of(heads));
        INDArray[] masks = rows.masks(DataType.DOUBLE);
        INDArray[] labels = rows.labels(DataType.DOUBLE);
        double[] expected = {1, 1, 1, 0, 0, 0};
        for (int h = 0; h < SequenceLabels.HEADS; h++) {
            assertEquals(expected[h], masks[h].getDouble(0, 0), "mask of head " + h);
            assertArrayEquals(heads[h], labels[h].getRow(0).toDoubleVector(), 1e-7, "labels of head " + h);
        }
    }

    @Test
    void malformedDistributionsNameTheHeadAndClass() {
        double[][] heads = randomHeads(new Random(4));
        heads[3][2] += 0.01;
        IllegalArgumentException sum = assertThrows(IllegalArgumentException.class, () -> SoftTargets.of(heads));
        assertTrue(sum.getMessage().startsWith("digit head 3's probabilities sum to 1.01"), sum.getMessage());
        float[] flat = SoftTargets.of(randomHeads(new Random(5))).flat();
        flat[2] = -0.5f;
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> SoftTargets.flat(flat));
        assertTrue(negative.getMessage().contains("the length head has probability -0.5 for class length_2"),
                negative.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SoftTargets.flat(new float[SoftTargets.SIZE - 1]));
        assertEquals(SoftTargets.SIZE, SoftTargets.columns().size());
        assertEquals("length_over", SoftTargets.columns().get(SequenceLabels.OVERFLOW_CLASS));
        assertEquals("digit5_9", SoftTargets.columns().get(SoftTargets.SIZE - 1));
    }

    private List<AnnotatedImage> softSet(int count) {
        opencv_imgcodecs.imwrite(dir.resolve("a.png").toString(), new Mat(30, 60, CV_8UC3, new Scalar(40, 90, 160, 0)));
        opencv_imgcodecs.imwrite(dir.resolve("b.png").toString(), new Mat(30, 60, CV_8UC3, new Scalar(200, 20, 60, 0)));
        Random random = new Random(6);
        List<AnnotatedImage> images = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Box box = new Box(3 + i, 4, 30, 20);
            images.add(new AnnotatedImage(dir.resolve(i == 0 ? "a.png" : "b.png").toAbsolutePath(),
                    List.of(new DigitBox(i + 1, box), new DigitBox(5, box)), SoftTargets.of(randomHeads(random))));
        }
        return images;
    }

    @Test
    void aDistillationSetRoundTripsThroughItsTwoFiles() throws Exception {
        List<AnnotatedImage> images = softSet(2);
        AnnotatedDataset.write(dir.resolve(AnnotatedDataset.LABELS_FILE), images);
        assertTrue(Files.readString(dir.resolve(AnnotatedDataset.TARGETS_FILE)).startsWith("file,length_0,"));
        AnnotatedDataset loaded = AnnotatedDataset.load(dir, false);
        assertEquals(images, loaded.images(), "the same photos, digits, boxes and float-exact targets");
        assertTrue(loaded.identity().contains(" + " + AnnotatedDataset.TARGETS_FILE + " sha256:"), loaded.identity());

        // Written again without targets, the set must not keep the old file's.
        AnnotatedDataset.write(dir.resolve(AnnotatedDataset.LABELS_FILE),
                images.stream().map(i -> new AnnotatedImage(i.file(), i.digits())).toList());
        assertNull(AnnotatedDataset.load(dir, false).images().get(0).targets());
        List<AnnotatedImage> mixed = List.of(images.get(0), new AnnotatedImage(images.get(1).file(), images.get(1).digits()));
        assertThrows(IllegalArgumentException.class, () -> AnnotatedDataset.write(dir.resolve("labels.csv"), mixed));
    }

    @Test
    void aBadTargetsFileNamesFileLineAndField() throws Exception {
        AnnotatedDataset.write(dir.resolve(AnnotatedDataset.LABELS_FILE), softSet(2));
        Path targets = dir.resolve(AnnotatedDataset.TARGETS_FILE);
        List<String> lines = Files.readAllLines(targets);
        record Case(List<String> lines, String expected) {
        }
        List<Case> cases = List.of(
                new Case(List.of(lines.get(0), lines.get(1)), "photo 'b.png' of labels.csv has no row"),
                new Case(List.of(lines.get(0), lines.get(1), lines.get(2).replace("b.png", "c.png")),
                        "line 3: field 'file': 'c.png' has no rows in labels.csv"),
                new Case(List.of(lines.get(0), lines.get(1), lines.get(2), lines.get(2)), "line 4: field 'file': 'b.png' has a second row"),
                new Case(List.of(lines.get(0), lines.get(1), lines.get(2).replaceFirst(",[^,]*", ",x")),
                        "line 3: field 'length_0' is not a number: 'x'"),
                new Case(List.of(lines.get(0), lines.get(1), lines.get(2).replaceFirst(",[^,]*", ",0.9")),
                        "line 3: the length head's probabilities sum to"),
                new Case(List.of(lines.get(0).replace(",digit5_9", ""), lines.get(1)), "line 1: header lacks column 'digit5_9'"));
        for (Case c : cases) {
            Files.write(targets, c.lines());
            DataException e = assertThrows(DataException.class, () -> AnnotatedDataset.load(dir, false), c.expected());
            assertTrue(e.getMessage().startsWith(targets.toString()), e.getMessage());
            assertTrue(e.getMessage().contains(c.expected()), e.getMessage());
        }
    }

    @Test
    void skippingABadLabelsRowSkipsItsPhotoAndKeepsTheOthersTargets() throws Exception {
        List<AnnotatedImage> images = softSet(2);
        AnnotatedDataset.write(dir.resolve(AnnotatedDataset.LABELS_FILE), images);
        Path labels = dir.resolve(AnnotatedDataset.LABELS_FILE);
        Files.writeString(labels, Files.readString(labels).replaceFirst("b\\.png,2,", "b.png,x,"));
        assertThrows(DataException.class, () -> AnnotatedDataset.load(dir, false));
        AnnotatedDataset skipped = AnnotatedDataset.load(dir, true);
        assertEquals(List.of(images.get(0)), skipped.images());
        assertEquals(1, skipped.skippedRows());
    }

    @Test
    void theIteratorTrainsAPhotoWithTargetsTowardsThem() {
        List<AnnotatedImage> images = new ArrayList<>(softSet(2));
        images.add(new AnnotatedImage(images.get(1).file(), images.get(1).digits()));
        AnnotatedDataset data = AnnotatedDataset.of(dir, images, "test");
        SequenceLabels.Rows expected = new SequenceLabels.Rows(3);
        expected.put(0, images.get(0).targets());
        expected.put(1, images.get(1).targets());
        expected.put(2, new int[] {2, 5});
        try (StreetNumberIterator it = new StreetNumberIterator(data, new CropExpander(PreprocessConfig.DEFAULT),
                new StreetNumberIterator.Options(3, true, false, 0, 1, null))) {
            MultiDataSet batch = it.next();
            for (int h = 0; h < SequenceLabels.HEADS; h++) {
                assertEquals(expected.labels(DataType.FLOAT)[h], batch.getLabels(h), "labels of head " + h);
                assertEquals(expected.masks(DataType.FLOAT)[h], batch.getLabelsMaskArray(h), "masks of head " + h);
            }
        }
    }
}
