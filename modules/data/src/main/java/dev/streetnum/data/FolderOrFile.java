package dev.streetnum.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a command takes as a folder holding a file of a known name, or as that file itself: a data folder
 * or its labels.csv, a report folder or its predictions.csv. A path that is neither is refused naming
 * the path and what was expected, so a missing folder does not read as a missing file.
 *
 * @param folder   what such a folder is called, e.g. "data folder"
 * @param fileName the file it holds, e.g. "labels.csv"
 */
public record FolderOrFile(String folder, String fileName) {

    /** The file {@code given} names: its {@link #fileName} when a folder, else itself. */
    public Path file(Path given) {
        if (Files.isDirectory(given)) {
            Path file = given.resolve(fileName);
            if (!Files.isRegularFile(file)) {
                throw new DataException(folder + " " + given + " has no " + fileName);
            }
            return file;
        }
        if (!Files.isRegularFile(given)) {
            throw new DataException(given + " does not exist: expected a " + folder + " (with " + fileName
                    + ") or the " + fileName + " itself");
        }
        return given;
    }
}
