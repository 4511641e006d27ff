package dev.streetnum.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fixed split of the real photos ({@code datasets/svhn-real-split.csv}: {@code file,split}, one row
 * per photo, split {@code train}, {@code val} or {@code test}). Only {@code train} photos may feed
 * training data; {@link #requireTrain} is the gate.
 */
public final class RealPhotoSplit {

    public static final String TRAIN = "train";
    private static final Set<String> SPLITS = Set.of(TRAIN, "val", "test");

    private final Path source;
    private final Map<String, String> splitByFile;

    private RealPhotoSplit(Path source, Map<String, String> splitByFile) {
        this.source = source;
        this.splitByFile = Map.copyOf(splitByFile);
    }

    /** Reads a split file; a malformed line is a {@link DataException} naming file and line. */
    public static RealPhotoSplit load(Path csv) {
        List<String> lines;
        try {
            lines = Utf8Text.of(Files.readAllBytes(csv)).lines().toList();
        } catch (java.nio.file.NoSuchFileException e) {
            throw new DataException("split file not found: " + csv);
        } catch (IOException e) {
            throw new DataException("cannot read split file " + csv + ": " + e.getMessage(), e);
        }
        if (lines.isEmpty() || !lines.get(0).trim().equals("file,split")) {
            throw new DataException(csv + " line 1: expected the header 'file,split'");
        }
        Map<String, String> splits = new HashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] fields = line.split(",", -1);
            if (fields.length != 2 || fields[0].isBlank() || !SPLITS.contains(fields[1].trim())) {
                throw new DataException(csv + " line " + (i + 1) + ": expected 'file,split' with split train, val or test, got '"
                        + line + "'");
            }
            if (splits.put(fields[0].trim(), fields[1].trim()) != null) {
                throw new DataException(csv + " line " + (i + 1) + ": photo " + fields[0].trim() + " is named twice");
            }
        }
        return new RealPhotoSplit(csv, splits);
    }

    /** The split of a photo by its file name, or null when the split file does not name it. */
    public String splitOf(String fileName) {
        return splitByFile.get(fileName);
    }

    /**
     * Refuses a photo that is not a {@code train} photo: a val or test photo, or one the split file does
     * not name. A symbolic link is judged by its name and by its target's name.
     *
     * @param where where the photo was named, for the message (e.g. the labels file)
     */
    public void requireTrain(Path photo, String where) {
        requireTrainName(photo.getFileName().toString(), photo, where);
        try {
            Path target = photo.toRealPath();
            if (!target.getFileName().equals(photo.getFileName())) {
                requireTrainName(target.getFileName().toString(), photo, where);
            }
        } catch (IOException e) {
            throw new DataException("cannot resolve " + photo + " (named in " + where + "): " + e.getMessage(), e);
        }
    }

    private void requireTrainName(String name, Path photo, String where) {
        String split = splitByFile.get(name);
        if (split == null) {
            throw new DataException("photo " + name + " (" + photo + ", named in " + where + ") is not in the split file "
                    + source + ": only its train photos may be used");
        }
        if (!split.equals(TRAIN)) {
            throw new DataException("photo " + name + " (named in " + where + ") is a " + split + " photo in " + source
                    + ": only train photos may be used (make a train-only folder with scripts/split-svhn-real.sh)");
        }
    }

    @Override
    public String toString() {
        return source.toString();
    }
}
