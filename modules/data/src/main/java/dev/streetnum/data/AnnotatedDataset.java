package dev.streetnum.data;

import java.nio.file.Path;
import java.util.List;

/**
 * A data set folder: {@code labels.csv} (DESIGN section 2) and its images. TODO(issue 3): implement.
 */
public final class AnnotatedDataset {

    /**
     * Loads a data set from a folder holding {@code labels.csv}, or from the CSV itself.
     *
     * @param skipBadRows false: the first malformed row is a {@link DataException} naming file, line and
     *                    field; true: bad rows (and the images they belong to) are skipped and counted
     */
    public static AnnotatedDataset load(Path folderOrCsv, boolean skipBadRows) {
        throw new UnsupportedOperationException("issue 3");
    }

    /** The images in CSV order. */
    public List<AnnotatedImage> images() {
        throw new UnsupportedOperationException("issue 3");
    }

    /** Rows skipped as malformed (only with skipBadRows). */
    public int skippedRows() {
        throw new UnsupportedOperationException("issue 3");
    }

    /** The folder images are relative to. */
    public Path root() {
        throw new UnsupportedOperationException("issue 3");
    }

    /** Provenance: the CSV's path and content hash, e.g. {@code data/val/labels.csv sha256:1a2b...}. */
    public String identity() {
        throw new UnsupportedOperationException("issue 3");
    }
}
