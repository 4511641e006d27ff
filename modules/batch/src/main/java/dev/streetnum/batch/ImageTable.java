package dev.streetnum.batch;

import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.AnnotatedImage;
import dev.streetnum.data.Box;
import dev.streetnum.data.DataException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The images a job reads, from one of three inputs: a folder with {@code labels.csv} (each image's
 * box is the union of its digit boxes, its truth the number), a folder without one (every PNG and
 * JPEG in it, no box), or a manifest CSV with the header {@code path,left,top,width,height} (the box
 * columns may be left out, or left empty on a row: no box). Paths may be local or any Hadoop file
 * system URI; relative manifest paths are relative to the manifest's folder.
 */
public final class ImageTable {

    /** The manifest's columns; the four box columns come together or not at all. */
    public static final List<String> MANIFEST_COLUMNS = List.of("path", "left", "top", "width", "height");
    /** A folder without labels: what {@code binaryFile} lists (Hadoop glob syntax). */
    static final String IMAGE_GLOB = "*.{png,PNG,jpg,JPG,jpeg,JPEG}";

    private final String folder;
    private final List<ImageRequest> requests;

    private ImageTable(String folder, List<ImageRequest> requests) {
        this.folder = folder;
        this.requests = requests;
    }

    /** Reads {@code input}: bad input (not found, malformed CSV row) is a {@link DataException} naming the file and line. */
    public static ImageTable read(String input, Configuration hadoop) {
        Path path = new Path(input);
        FileSystem fs;
        FileStatus status;
        try {
            fs = path.getFileSystem(hadoop);
            status = fs.getFileStatus(path);
        } catch (FileNotFoundException e) {
            throw new DataException("input not found: " + input);
        } catch (IOException e) {
            throw new DataException("cannot read input " + input + ": " + e.getMessage(), e);
        }
        Path qualified = status.getPath();
        if (!status.isDirectory()) {
            return new ImageTable(null, readManifest(fs, qualified, input));
        }
        Path labels = new Path(qualified, AnnotatedDataset.LABELS_FILE);
        try {
            if (!fs.exists(labels)) {
                return new ImageTable(qualified.toString(), null);
            }
        } catch (IOException e) {
            throw new DataException("cannot read input folder " + input + ": " + e.getMessage(), e);
        }
        if (!(fs instanceof LocalFileSystem)) {
            throw new DataException(labels + ": labels.csv is read from local folders only; for "
                    + fs.getUri().getScheme() + " give a manifest CSV (" + String.join(",", MANIFEST_COLUMNS) + ")");
        }
        return new ImageTable(null, readLabels(fs, java.nio.file.Path.of(qualified.toUri())));
    }

    private static List<ImageRequest> readLabels(FileSystem fs, java.nio.file.Path folder) {
        AnnotatedDataset set = AnnotatedDataset.load(folder, false);
        List<ImageRequest> requests = new ArrayList<>(set.size());
        for (AnnotatedImage image : set.images()) {
            String name = set.root().relativize(image.file()).toString().replace('\\', '/');
            String path = fs.makeQualified(new Path(image.file().toUri())).toString();
            requests.add(new ImageRequest(name, path, image.region(), image.number()));
        }
        return requests;
    }

    private static List<ImageRequest> readManifest(FileSystem fs, Path manifest, String shownAs) {
        CSVFormat format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true)
                .setIgnoreSurroundingSpaces(true).setIgnoreEmptyLines(true).build();
        Path base = manifest.getParent();
        List<ImageRequest> requests = new ArrayList<>();
        Map<String, Long> firstLine = new HashMap<>();
        try (Reader reader = new InputStreamReader(fs.open(manifest), StandardCharsets.UTF_8);
             CSVParser parser = format.parse(reader)) {
            List<String> header = parser.getHeaderNames();
            if (!header.contains("path")) {
                throw new DataException(shownAs + " line 1: a manifest's header names the column 'path' (expected "
                        + String.join(",", MANIFEST_COLUMNS) + ", got " + String.join(",", header) + ")");
            }
            List<String> boxColumns = MANIFEST_COLUMNS.subList(1, MANIFEST_COLUMNS.size());
            long present = boxColumns.stream().filter(header::contains).count();
            if (present != 0 && present != boxColumns.size()) {
                throw new DataException(shownAs + " line 1: the box columns come together: give all of "
                        + String.join(",", boxColumns) + " or none (got " + String.join(",", header) + ")");
            }
            for (CSVRecord row : parser) {
                long line = row.getRecordNumber() + 1; // the header is line 1
                String where = shownAs + " line " + line;
                if (!row.isConsistent()) {
                    throw new DataException(where + ": expected " + header.size() + " fields, got " + row.size());
                }
                String given = row.get("path");
                if (given.isEmpty()) {
                    throw new DataException(where + ": field 'path' is empty");
                }
                Box box = present == 0 ? null : box(row, where);
                Path image = new Path(given);
                if (!image.isAbsolute() && image.toUri().getScheme() == null) {
                    image = new Path(base, given);
                }
                String qualified;
                try {
                    qualified = image.getFileSystem(fs.getConf()).makeQualified(image).toString();
                } catch (IOException | IllegalArgumentException e) {
                    throw new DataException(where + ": field 'path': '" + given + "' names no file system Spark can read ("
                            + e.getMessage() + ")");
                }
                Long before = firstLine.putIfAbsent(qualified, line);
                if (before != null) {
                    throw new DataException(where + ": field 'path': '" + given + "' is listed twice (first on line "
                            + before + "); each image is one output row");
                }
                requests.add(new ImageRequest(given, qualified, box, null));
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new DataException("cannot read manifest " + shownAs + ": " + e.getMessage(), e);
        }
        if (requests.isEmpty()) {
            throw new DataException(shownAs + ": the manifest lists no images");
        }
        return requests;
    }

    /** The row's box, or null when all four box fields are empty. */
    private static Box box(CSVRecord row, String where) {
        List<String> names = MANIFEST_COLUMNS.subList(1, MANIFEST_COLUMNS.size());
        int empty = 0;
        int[] v = new int[4];
        for (int i = 0; i < 4; i++) {
            String text = row.get(names.get(i));
            if (text.isEmpty()) {
                empty++;
                continue;
            }
            try {
                v[i] = Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw new DataException(where + ": field '" + names.get(i) + "' is not an integer: '" + text + "'");
            }
        }
        if (empty == 4) {
            return null;
        }
        if (empty != 0) {
            throw new DataException(where + ": give all four box fields (left,top,width,height) or none");
        }
        try {
            return new Box(v[0], v[1], v[2], v[3]);
        } catch (IllegalArgumentException e) {
            throw new DataException(where + ": " + e.getMessage());
        }
    }

    /** The qualified folder whose every image is read without a box, when the input is such a folder. */
    public Optional<String> unlabelledFolder() {
        return Optional.ofNullable(folder);
    }

    /** The listed images (a labelled folder or a manifest), or empty for an unlabelled folder. */
    public Optional<List<ImageRequest>> requests() {
        return Optional.ofNullable(requests);
    }

    /** Whether any request carries the truth, so the job can score itself. */
    public boolean hasTruth() {
        return requests != null && requests.stream().anyMatch(r -> r.truth() != null);
    }
}
