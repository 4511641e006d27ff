package dev.streetnum.batch;

import dev.streetnum.data.Box;

/**
 * One image the job is asked to read.
 *
 * @param file  the name the output row carries: as {@code labels.csv} or the manifest wrote it
 * @param path  the fully qualified Hadoop path of the image ({@code file:/...}, {@code hdfs://...}), as
 *              Spark's {@code binaryFile} source names it
 * @param box   the detector's box, before the 30% expansion; null: none (the bundle's localizer finds
 *              the number, or the whole image is read)
 * @param truth the number as text when a {@code labels.csv} gives it, else null
 */
public record ImageRequest(String file, String path, Box box, String truth) {

    public ImageRequest {
        if (file == null || file.isEmpty() || path == null || path.isEmpty()) {
            throw new IllegalArgumentException("an image request needs a file name and a path");
        }
    }
}
