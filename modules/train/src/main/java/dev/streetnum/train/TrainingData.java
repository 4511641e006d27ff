package dev.streetnum.train;

import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.AnnotatedImage;
import dev.streetnum.data.DataException;
import dev.streetnum.data.HeldOutPhotos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a run trains and validates on: {@code DIR/train} plus any extra training folders (say synthetic
 * data mixed with real SVHN photos), and {@code DIR/val}.
 *
 * @param heldOut the photos no training folder may hold: val's, and the image files of {@code DIR/test} where
 *                there is one
 */
public record TrainingData(AnnotatedDataset train, AnnotatedDataset val, HeldOutPhotos heldOut) {

    public static final String TRAIN = "train";
    public static final String VAL = "val";
    /** The test split beside train and val (as {@code split-svhn-real.sh} lays them out), when there is one. */
    public static final String TEST = "test";

    /**
     * @param dataDir    a folder holding train/ and val/, each with labels.csv
     * @param extraTrain more training folders (each with labels.csv), mixed into the training set
     */
    public static TrainingData load(Path dataDir, List<Path> extraTrain) {
        return load(dataDir, extraTrain, 1);
    }

    /**
     * @param extraRepeat how many times each extra folder's images enter the training set (at least 1):
     *                    oversampling, so 1600 real photos are not drowned by tens of thousands of synthetic ones
     */
    public static TrainingData load(Path dataDir, List<Path> extraTrain, int extraRepeat) {
        return load(dataDir, 1, null, extraTrain, extraRepeat);
    }

    /**
     * @param trainRepeat how many times each {@code dataDir/train} image enters the training set (at least 1)
     * @param valDir      the validation folder; null for {@code dataDir/val}
     */
    public static TrainingData load(Path dataDir, int trainRepeat, Path valDir, List<Path> extraTrain, int extraRepeat) {
        if (trainRepeat < 1) {
            throw new IllegalArgumentException("the training repeat must be at least 1, got " + trainRepeat);
        }
        if (extraRepeat < 1) {
            throw new IllegalArgumentException("the extra training repeat must be at least 1, got " + extraRepeat);
        }
        if (!Files.isDirectory(dataDir)) {
            throw new DataException("data folder " + dataDir + " does not exist or is not a folder");
        }
        Path trainDir = split(dataDir, TRAIN);
        AnnotatedDataset base = AnnotatedDataset.load(trainDir, false);
        Path valAsGiven = valDir == null ? split(dataDir, VAL) : valDir;
        AnnotatedDataset val = valDir == null ? AnnotatedDataset.load(valAsGiven, false) : loadFolder(valDir, "validation");
        HeldOutPhotos heldOut = HeldOutPhotos.validation(val, valAsGiven).andTestFolder(dataDir.resolve(TEST));
        heldOut.requireNoneIn(base, trainDir, "the training photos");
        if (extraTrain.isEmpty() && trainRepeat == 1) {
            return new TrainingData(base, val, heldOut);
        }
        List<AnnotatedImage> images = new ArrayList<>();
        for (int r = 0; r < trainRepeat; r++) {
            images.addAll(base.images());
        }
        List<String> identities = new ArrayList<>(List.of(trainRepeat == 1 ? base.identity() : trainRepeat + " x " + base.identity()));
        for (Path extra : extraTrain) {
            AnnotatedDataset set = loadFolder(extra, "extra training");
            heldOut.requireNoneIn(set, extra, "the extra training photos");
            for (int r = 0; r < extraRepeat; r++) {
                images.addAll(set.images());
            }
            identities.add(extraRepeat == 1 ? set.identity() : extraRepeat + " x " + set.identity());
        }
        // Image paths are resolved at load, so the base set's root only names the mix.
        return new TrainingData(AnnotatedDataset.of(base.root(), images, String.join(" + ", identities)), val, heldOut);
    }

    private static AnnotatedDataset loadFolder(Path folder, String what) {
        if (!Files.exists(folder)) {
            throw new DataException(what + " folder " + folder + " does not exist");
        }
        return AnnotatedDataset.load(folder, false);
    }

    /**
     * The test folder beside a validation folder (or its labels file), as {@code split-svhn-real.sh} lays them
     * out: {@code data/svhn-real/test} for {@code data/svhn-real/val}; relative as given where it can be.
     */
    public static Path testBeside(Path val) {
        Path folder = Files.isDirectory(val) ? val : val.toAbsolutePath().getParent();
        return parentAsGiven(folder).resolve(TEST);
    }

    /** The folder above {@code dir}, relative as the user gave it where it can be ("val" has none written). */
    private static Path parentAsGiven(Path dir) {
        Path parent = dir.normalize().getParent();
        return parent != null ? parent : dir.toAbsolutePath().normalize().getParent();
    }

    private static Path split(Path dataDir, String name) {
        Path folder = dataDir.resolve(name);
        if (!Files.isRegularFile(folder.resolve(AnnotatedDataset.LABELS_FILE))) {
            // A split folder itself (data/svhn-real/val) is the likely slip: say so, with the folder meant.
            if (Files.isRegularFile(dataDir.resolve(AnnotatedDataset.LABELS_FILE))) {
                throw new DataException("data folder " + dataDir + " is one split (it has " + AnnotatedDataset.LABELS_FILE
                        + "), not a folder holding " + TRAIN + "/ and " + VAL + "/: give the folder above it, e.g. --data "
                        + parentAsGiven(dataDir));
            }
            throw new DataException("data folder " + dataDir + " has no " + name + "/" + AnnotatedDataset.LABELS_FILE
                    + ": it must hold " + TRAIN + "/ and " + VAL + "/, each with " + AnnotatedDataset.LABELS_FILE);
        }
        return folder;
    }
}
