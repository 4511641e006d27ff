package dev.streetnum.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.AnnotatedImage;
import dev.streetnum.data.DataException;
import dev.streetnum.data.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingDataTest {

    @Test
    void missingFoldersAreNamed(@TempDir Path dir) throws Exception {
        DataException none = assertThrows(DataException.class, () -> TrainingData.load(dir.resolve("nope"), List.of()));
        assertTrue(none.getMessage().contains("nope"), none.getMessage());
        Files.createDirectories(dir.resolve("d/train"));
        DataException noTrain = assertThrows(DataException.class, () -> TrainingData.load(dir.resolve("d"), List.of()));
        assertTrue(noTrain.getMessage().contains("train/labels.csv"), noTrain.getMessage());
    }

    /** A new user passes one split (data/svhn-real/val) where the folder holding the splits belongs. */
    @Test
    void aSplitFolderGivenAsTheDataFolderIsNamedAsOneWithItsParent(@TempDir Path dir) throws Exception {
        TestData.generatedSet(dir.resolve("d/val"), 4, 2);
        DataException split = assertThrows(DataException.class, () -> TrainingData.load(dir.resolve("d/val"), List.of()));
        assertTrue(split.getMessage().contains("is one split") && split.getMessage().contains("--data " + dir.resolve("d")),
                split.getMessage());
    }

    /**
     * A validation photo copied into an extra training folder under another photo's name, or a photo of the test
     * split beside train and val copied into train, is refused by content, named as given and by its set.
     */
    @Test
    void heldOutPhotosInATrainingFolderAreRefusedByContent(@TempDir Path dir) throws Exception {
        Path d = dir.resolve("d");
        TestData.generatedSet(d.resolve("train"), 4, 1);
        TestData.generatedSet(d.resolve("val"), 3, 2);
        TestData.generatedSet(d.resolve("test"), 3, 4);
        Path extra = TestData.generatedSet(dir.resolve("extra"), 3, 3);
        assertEquals(4 + 3, TrainingData.load(d, List.of(extra)).train().size(), "distinct photos pass");

        AnnotatedDataset val = AnnotatedDataset.load(d.resolve("val"), false);
        AnnotatedDataset extras = AnnotatedDataset.load(extra, false);
        AnnotatedImage overwritten = extras.images().get(0);
        byte[] before = Files.readAllBytes(overwritten.file());
        Files.copy(val.images().get(1).file(), overwritten.file(), StandardCopyOption.REPLACE_EXISTING);
        DataException copied = assertThrows(DataException.class, () -> TrainingData.load(d, List.of(extra)));
        assertEquals("the extra training photos (" + extra + ") include " + extra.resolve(extras.nameOf(overwritten))
                + ", the validation photo " + d.resolve("val").resolve(val.nameOf(val.images().get(1)))
                + ": a run is selected on its validation photos, so it must not train on them, labels or none",
                copied.getMessage());
        Files.write(overwritten.file(), before);

        // The test folder's files are held out, whatever its labels.csv says: here it has none.
        AnnotatedDataset test = AnnotatedDataset.load(d.resolve("test"), false);
        AnnotatedDataset train = AnnotatedDataset.load(d.resolve("train"), false);
        Files.delete(d.resolve("test/labels.csv"));
        Files.copy(test.images().get(2).file(), train.images().get(3).file(), StandardCopyOption.REPLACE_EXISTING);
        DataException tested = assertThrows(DataException.class, () -> TrainingData.load(d, List.of()));
        assertEquals("the training photos (" + d.resolve("train") + ") include "
                + d.resolve("train").resolve(train.nameOf(train.images().get(3))) + ", the test photo "
                + d.resolve("test").resolve(test.nameOf(test.images().get(2))) + ": figures are read on the test"
                + " photos, so no run may train on them, labels or none", tested.getMessage());

        // Several are counted, the first named.
        Files.copy(test.images().get(0).file(), train.images().get(0).file(), StandardCopyOption.REPLACE_EXISTING);
        DataException two = assertThrows(DataException.class, () -> TrainingData.load(d, List.of()));
        assertTrue(two.getMessage().startsWith("the training photos (" + d.resolve("train") + ") include 2 held-out"
                + " photos, the first " + d.resolve("train").resolve(train.nameOf(train.images().get(0)))
                + ", the test photo "), two.getMessage());
    }

    /** A run only needs the test folder's files: a labels.csv there that does not parse does not stop it. */
    @Test
    void aBrokenTestLabelsFileDoesNotStopARun(@TempDir Path dir) throws Exception {
        Path d = dir.resolve("d");
        TestData.generatedSet(d.resolve("train"), 4, 1);
        TestData.generatedSet(d.resolve("val"), 3, 2);
        Files.createDirectories(d.resolve("test"));
        Files.writeString(d.resolve("test/labels.csv"), "file,label,left,top,width,height\nnone.png,1,x,0,1,1\n");
        assertEquals(4, TrainingData.load(d, List.of()).train().size());
    }

    @Test
    void malformedRowIsNamedAndExtraFoldersAreMixedIn(@TempDir Path dir) throws Exception {
        TestData.generatedSet(dir.resolve("d/train"), 6, 1);
        TestData.generatedSet(dir.resolve("d/val"), 4, 2);
        TestData.generatedSet(dir.resolve("extra"), 5, 3);
        TrainingData data = TrainingData.load(dir.resolve("d"), List.of(dir.resolve("extra")));
        assertEquals(6 + 5, data.train().size());
        assertTrue(data.train().identity().contains(" + "), data.train().identity());

        Path csv = dir.resolve("d/val/labels.csv");
        List<String> lines = Files.readAllLines(csv);
        lines.set(2, lines.get(2).replaceFirst(",[0-9]+,", ",x,"));
        Files.write(csv, lines);
        DataException bad = assertThrows(DataException.class, () -> TrainingData.load(dir.resolve("d"), List.of()));
        assertTrue(bad.getMessage().contains("labels.csv") && bad.getMessage().contains("3"), bad.getMessage());
    }

    @Test
    void extraFolderWithRelativePathsAndBoxesPastTheImageIsOversampled(@TempDir Path dir) throws Exception {
        TestData.generatedSet(dir.resolve("d/train"), 4, 1);
        TestData.generatedSet(dir.resolve("d/val"), 2, 2);
        // Real SVHN layout: images in a subfolder, listed by relative path; one box starts left of the image.
        Path real = dir.resolve("real");
        TestData.generatedSet(real.resolve("photos"), 3, 3);
        List<String> lines = Files.readAllLines(real.resolve("photos/labels.csv"));
        List<String> moved = new java.util.ArrayList<>(List.of(lines.get(0)));
        for (String line : lines.subList(1, lines.size())) {
            moved.add("photos/" + line);
        }
        String[] first = moved.get(1).split(",");
        first[2] = "-7";
        moved.set(1, String.join(",", first));
        Files.write(real.resolve("labels.csv"), moved);

        TrainingData data = TrainingData.load(dir.resolve("d"), List.of(real), 3);
        assertEquals(4 + 3 * 3, data.train().size());
        assertEquals(data.train().images().get(4), data.train().images().get(4 + 3));
        assertTrue(data.train().identity().contains(" + 3 x "), data.train().identity());
        try (dev.streetnum.data.StreetNumberIterator it = new dev.streetnum.data.StreetNumberIterator(data.train(),
                new dev.streetnum.data.CropExpander(dev.streetnum.data.PreprocessConfig.DEFAULT),
                new dev.streetnum.data.StreetNumberIterator.Options(13, true, true, 1, 1, null))) {
            assertEquals(13, it.next().getFeatures(0).size(0));
        }
        assertThrows(IllegalArgumentException.class, () -> TrainingData.load(dir.resolve("d"), List.of(real), 0));
    }

    @Test
    void aSeparateValidationFolderAndARepeatedBaseSet(@TempDir Path dir) throws Exception {
        TestData.generatedSet(dir.resolve("d/train"), 5, 1);
        TestData.generatedSet(dir.resolve("real-val"), 3, 2);
        TestData.generatedSet(dir.resolve("extra"), 4, 3);
        // no d/val: the separate folder stands in for it
        TrainingData data = TrainingData.load(dir.resolve("d"), 3, dir.resolve("real-val"), List.of(dir.resolve("extra")), 2);
        assertEquals(3 * 5 + 2 * 4, data.train().size());
        assertEquals(3, data.val().size());
        assertTrue(data.train().identity().startsWith("3 x "), data.train().identity());
        assertTrue(data.val().root().endsWith("real-val"), data.val().root().toString());
        DataException noVal = assertThrows(DataException.class,
                () -> TrainingData.load(dir.resolve("d"), 1, dir.resolve("missing"), List.of(), 1));
        assertTrue(noVal.getMessage().contains("validation folder") && noVal.getMessage().contains("missing"),
                noVal.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> TrainingData.load(dir.resolve("d"), 0, dir.resolve("real-val"), List.of(), 1));
    }
}
