package dev.streetnum.data.command;

import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.AnnotatedImage;
import dev.streetnum.data.DataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A set written into a folder of its own from another set's photos, each photo a link (or, from
 * {@code zoom-out}, a new image), with its own {@code labels.csv}: what {@code cut-numbers},
 * {@code jitter-boxes} and {@code zoom-out} write. The one place that refuses to write over the
 * source's folder and that makes the links.
 *
 * @param data the source set's {@code --data} as given (its folder or its labels.csv), for what is printed
 * @param out  the folder written, {@code --out} as given, for what is printed
 * @param set  the source set, loaded
 */
record LinkedSet(Path data, Path out, AnnotatedDataset set) {

    /**
     * The source of {@code --data} (a folder, or its labels.csv) loaded, and {@code --out} made.
     *
     * @param replaced what writing into the source's folder would do, for the refusal
     * @throws DataException when {@code out} is the source's folder, or cannot be made
     */
    static LinkedSet open(Path data, Path out, String replaced) {
        Path source = absolute(data);
        if (Files.isRegularFile(source)) {
            source = source.getParent();
        }
        Path target = absolute(out);
        if (target.equals(source)) {
            throw new DataException("--out must not be --data's folder (" + source + "): " + replaced);
        }
        AnnotatedDataset set = AnnotatedDataset.load(source, false);
        try {
            Files.createDirectories(target);
        } catch (IOException e) {
            throw new DataException("cannot make " + target + ": " + e.getMessage(), e);
        }
        return new LinkedSet(data, out, set);
    }

    /**
     * The folder written, absolute: the files written in it are named so in its labels.csv, and a relative
     * path there would be read from the CSV's folder, not from where the command ran.
     */
    Path target() {
        return absolute(out);
    }

    private static Path absolute(Path folder) {
        return folder.toAbsolutePath().normalize();
    }

    /** A link named {@code name} in the target folder to {@code photo}, replacing one there before. */
    Path link(Path photo, String name) {
        Path link = target().resolve(name);
        try {
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, photo.toAbsolutePath());
        } catch (IOException e) {
            throw new DataException("cannot link " + link + " to " + photo + ": " + e.getMessage(), e);
        }
        return link;
    }

    /** Writes the target's labels.csv and returns its path as {@code --out} was given, for the summary. */
    Path write(List<AnnotatedImage> images) {
        AnnotatedDataset.write(target().resolve(AnnotatedDataset.LABELS_FILE), images);
        return out.resolve(AnnotatedDataset.LABELS_FILE);
    }
}
