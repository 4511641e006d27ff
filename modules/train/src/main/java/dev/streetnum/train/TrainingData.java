package dev.streetnum.train;

import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.AnnotatedImage;
import dev.streetnum.data.DataException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a run trains and validates on: {@code DIR/train} plus any extra training folders (say synthetic
 * data mixed with real SVHN photos), and {@code DIR/val}.
 */
public record TrainingData(AnnotatedDataset train, AnnotatedDataset val) {

    public static final String TRAIN = "train";
    public static final String VAL = "val";

    /**
     * @param dataDir    a folder holding train/ and val/, each with labels.csv
     * @param extraTrain more training folders (each with labels.csv), mixed into the training set
     */
    public static TrainingData load(Path dataDir, List<Path> extraTrain) {
        if (!Files.isDirectory(dataDir)) {
            throw new DataException("data folder " + dataDir + " does not exist or is not a folder");
        }
        List<AnnotatedDataset> trainSets = new ArrayList<>();
        trainSets.add(AnnotatedDataset.load(split(dataDir, TRAIN), false));
        for (Path extra : extraTrain) {
            if (!Files.isRegularFile(extra.resolve(AnnotatedDataset.LABELS_FILE)) && !Files.isRegularFile(extra)) {
                throw new DataException("extra training folder " + extra + " has no " + AnnotatedDataset.LABELS_FILE);
            }
            trainSets.add(AnnotatedDataset.load(extra, false));
        }
        AnnotatedDataset val = AnnotatedDataset.load(split(dataDir, VAL), false);
        return new TrainingData(mix(trainSets), val);
    }

    private static Path split(Path dataDir, String name) {
        Path folder = dataDir.resolve(name);
        if (!Files.isRegularFile(folder.resolve(AnnotatedDataset.LABELS_FILE))) {
            throw new DataException("data folder " + dataDir + " has no " + name + "/" + AnnotatedDataset.LABELS_FILE
                    + ": it must hold " + TRAIN + "/ and " + VAL + "/, each with " + AnnotatedDataset.LABELS_FILE);
        }
        return folder;
    }

    private static AnnotatedDataset mix(List<AnnotatedDataset> sets) {
        if (sets.size() == 1) {
            return sets.get(0);
        }
        List<AnnotatedImage> images = new ArrayList<>();
        List<String> identities = new ArrayList<>();
        for (AnnotatedDataset s : sets) {
            images.addAll(s.images());
            identities.add(s.identity());
        }
        // Image paths are resolved at load, so the first set's root only names the mix.
        return AnnotatedDataset.of(sets.get(0).root(), images, String.join(" + ", identities));
    }
}
