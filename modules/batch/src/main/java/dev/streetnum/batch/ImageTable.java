package dev.streetnum.batch;

import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.AnnotatedImage;
import dev.streetnum.data.Box;
import dev.streetnum.data.DataException;
import dev.streetnum.data.Utf8Text;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The images a job reads, from one of three inputs: a folder with {@code labels.csv} (each image's
 * box is the union of its digit boxes, its truth the number), a folder without one (every PNG and
 * JPEG in it, no box), or a manifest with the columns {@code path,left,top,width,height} (the box
 * columns may be left out, or left empty/null on a row: no box): a CSV with that header, or Parquet
 * (a file or folder named {@code *.parquet}). Paths may be local or any Hadoop file system URI;
 * relative manifest paths are relative to the manifest's folder.
 */
public final class ImageTable {

    /** The manifest's columns; the four box columns come together or not at all. */
    public static final List<String> MANIFEST_COLUMNS = List.of("path", "left", "top", "width", "height");
    /** A manifest file or folder (as Spark writes a table) with this name ending is read as Parquet. */
    static final String PARQUET = ".parquet";
    /** A folder without labels: what {@code binaryFile} lists (Hadoop glob syntax); a file so named is an image. */
    static final String IMAGE_GLOB = dev.streetnum.data.ImageDecoder.IMAGE_GLOB;

    private final String folder;
    private final long folderImages;
    private final List<ImageRequest> requests;
    /** A Parquet manifest's rows, read through the session by {@link #complete}; null for every other input. */
    private final Function<SparkSession, List<ImageRequest>> parquetRows;

    private ImageTable(String folder, long folderImages, List<ImageRequest> requests,
                       Function<SparkSession, List<ImageRequest>> parquetRows) {
        this.folder = folder;
        this.folderImages = folderImages;
        this.requests = requests;
        this.parquetRows = parquetRows;
    }

    /**
     * Reads {@code input} whole through the session: {@link #read(String, Configuration)} with its Hadoop
     * configuration, then {@link #complete}.
     */
    public static ImageTable read(String input, SparkSession spark) {
        return read(input, spark.sparkContext().hadoopConfiguration()).complete(spark);
    }

    /**
     * Reads {@code input} as far as it can be read without Spark, so bad input is refused before a session's
     * seconds of start-up: a folder (its {@code labels.csv}, or its images listed) or a CSV manifest is read
     * whole; a Parquet manifest is only found, its rows waiting for {@link #complete} (Spark reads Parquet).
     * Bad input (not found, an image file, a folder without labels or images, a malformed manifest or
     * {@code labels.csv} row) is a {@link DataException} naming the file and line (CSV) or row (Parquet).
     *
     * @param hadoop the file systems' configuration: the session's, or {@link BatchSessions#hadoopConfiguration}
     *               before it starts
     */
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
        if (qualified.getName().toLowerCase(java.util.Locale.ROOT).endsWith(PARQUET)) {
            return new ImageTable(null, 0, null, spark -> readParquetManifest(spark, fs, qualified, input));
        }
        if (!status.isDirectory()) {
            if (new org.apache.hadoop.fs.GlobPattern(IMAGE_GLOB).matches(qualified.getName())) {
                throw new DataException("input " + input + " is an image, not a folder or manifest: give its folder,"
                        + " or a manifest naming it");
            }
            return new ImageTable(null, 0, readManifest(fs, qualified, input), null);
        }
        Path labels = new Path(qualified, AnnotatedDataset.LABELS_FILE);
        try {
            if (!fs.exists(labels)) {
                return new ImageTable(qualified.toString(), imagesIn(fs, qualified, input), null, null);
            }
        } catch (IOException e) {
            throw new DataException("cannot read input folder " + input + ": " + e.getMessage(), e);
        }
        if (!(fs instanceof LocalFileSystem)) {
            throw new DataException(labels + ": labels.csv is read from local folders only; for "
                    + fs.getUri().getScheme() + " give a manifest, CSV or Parquet (" + String.join(",", MANIFEST_COLUMNS) + ")");
        }
        // A local path stays as given, so a bad labels.csv row is named as the user wrote the folder.
        java.nio.file.Path folder = path.toUri().getScheme() == null ? java.nio.file.Path.of(input)
                : java.nio.file.Path.of(qualified.toUri());
        return new ImageTable(null, 0, readLabels(fs, folder), null);
    }

    /**
     * This table with every row read: a Parquet manifest's rows read through {@code spark} and checked as a
     * CSV manifest's are; any other input's table is already whole and comes back as it is.
     */
    public ImageTable complete(SparkSession spark) {
        return parquetRows == null ? this : new ImageTable(null, 0, parquetRows.apply(spark), null);
    }

    /** The images of a folder without labels (a listing; no content is read): refuses a folder with none. */
    private static long imagesIn(FileSystem fs, Path folder, String shownAs) throws IOException {
        FileStatus[] found = fs.globStatus(new Path(folder, IMAGE_GLOB));
        if (found == null || found.length == 0) {
            throw new DataException("input folder " + shownAs + " has no labels.csv and no PNG or JPEG images");
        }
        return found.length;
    }

    private static List<ImageRequest> readLabels(FileSystem fs, java.nio.file.Path folder) {
        AnnotatedDataset set = AnnotatedDataset.load(folder, false);
        List<ImageRequest> requests = new ArrayList<>(set.size());
        for (AnnotatedImage image : set.images()) {
            String name = set.nameOf(image);
            String path = fs.makeQualified(new Path(image.file().toUri())).toString();
            requests.add(new ImageRequest(name, path, image.region(), image.number()));
        }
        return requests;
    }

    /** One manifest row's fields by column name, and where it is (for errors). */
    private interface ManifestRow {
        String get(String column);

        String where();
    }

    private static List<ImageRequest> readManifest(FileSystem fs, Path manifest, String shownAs) {
        CSVFormat format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true)
                .setIgnoreSurroundingSpaces(true).setIgnoreEmptyLines(true).build();
        try (Reader reader = Utf8Text.reader(fs.open(manifest));
             CSVParser parser = format.parse(reader)) {
            List<String> header = parser.getHeaderNames();
            ManifestReader rows = new ManifestReader(fs, manifest.getParent(), shownAs + " line 1", header);
            for (CSVRecord row : parser) {
                String where = shownAs + " line " + (row.getRecordNumber() + 1); // the header is line 1
                if (!row.isConsistent()) {
                    throw new DataException(where + ": expected " + header.size() + " fields, got " + row.size());
                }
                rows.add(new ManifestRow() {
                    @Override
                    public String get(String column) {
                        return row.get(column);
                    }

                    @Override
                    public String where() {
                        return where;
                    }
                });
            }
            return rows.requests(shownAs);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new DataException("cannot read manifest " + shownAs + ": " + e.getMessage(), e);
        }
    }

    /**
     * A Parquet manifest (a file, or a folder as Spark writes a table) with the CSV manifest's columns:
     * {@code path} a string, the box columns integers (null: no box). Its rows are few beside the images,
     * so the driver collects them and checks each as a CSV row is checked.
     */
    private static List<ImageRequest> readParquetManifest(SparkSession spark, FileSystem fs, Path manifest, String shownAs) {
        List<Row> collected;
        List<String> header;
        try {
            Dataset<Row> table = spark.read().parquet(manifest.toString());
            header = List.of(table.columns());
            collected = table.collectAsList();
        } catch (RuntimeException e) {
            throw new DataException("cannot read Parquet manifest " + shownAs + ": " + e.getMessage(), e);
        }
        ManifestReader rows = new ManifestReader(fs, manifest.getParent(), shownAs + " schema", header);
        for (int i = 0; i < collected.size(); i++) {
            Row row = collected.get(i);
            String where = shownAs + " row " + (i + 1);
            rows.add(new ManifestRow() {
                @Override
                public String get(String column) {
                    Object v = row.get(row.fieldIndex(column));
                    if (v == null) {
                        return "";
                    }
                    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
                        return String.valueOf(((Number) v).longValue());
                    }
                    return v.toString().trim();
                }

                @Override
                public String where() {
                    return where;
                }
            });
        }
        return rows.requests(shownAs);
    }

    /** The checks every manifest row gets, CSV or Parquet: the one place the manifest's rules live. */
    private static final class ManifestReader {
        private final FileSystem fs;
        private final Path base;
        private final boolean withBoxes;
        private final List<ImageRequest> requests = new ArrayList<>();
        private final Map<String, String> firstSeen = new HashMap<>();

        ManifestReader(FileSystem fs, Path base, String headerWhere, List<String> header) {
            if (!header.contains("path")) {
                throw new DataException(headerWhere + ": a manifest names the column 'path' (expected "
                        + String.join(",", MANIFEST_COLUMNS) + ", got " + String.join(",", header) + ")");
            }
            List<String> boxColumns = MANIFEST_COLUMNS.subList(1, MANIFEST_COLUMNS.size());
            long present = boxColumns.stream().filter(header::contains).count();
            if (present != 0 && present != boxColumns.size()) {
                throw new DataException(headerWhere + ": the box columns come together: give all of "
                        + String.join(",", boxColumns) + " or none (got " + String.join(",", header) + ")");
            }
            this.fs = fs;
            this.base = base;
            this.withBoxes = present != 0;
        }

        void add(ManifestRow row) {
            String where = row.where();
            String given = row.get("path");
            if (given.isEmpty()) {
                throw new DataException(where + ": field 'path' is empty");
            }
            Box box = withBoxes ? box(row, where) : null;
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
            String before = firstSeen.putIfAbsent(qualified, where);
            if (before != null) {
                throw new DataException(where + ": field 'path': '" + given + "' is listed twice (first at "
                        + before + "); each image is one output row");
            }
            requests.add(new ImageRequest(given, qualified, box, null));
        }

        List<ImageRequest> requests(String shownAs) {
            if (requests.isEmpty()) {
                throw new DataException(shownAs + ": the manifest lists no images");
            }
            return requests;
        }
    }

    /** The row's box, or null when all four box fields are empty. */
    private static Box box(ManifestRow row, String where) {
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
        requireComplete();
        return Optional.ofNullable(folder);
    }

    /** The listed images (a labelled folder or a manifest), or empty for an unlabelled folder. */
    public Optional<List<ImageRequest>> requests() {
        requireComplete();
        return Optional.ofNullable(requests);
    }

    /** How many images the input names: the listed ones, or the PNGs and JPEGs an unlabelled folder held when read. */
    public long images() {
        requireComplete();
        return requests != null ? requests.size() : folderImages;
    }

    /** Whether any request carries the truth, so the job can score itself. */
    public boolean hasTruth() {
        requireComplete();
        return requests != null && requests.stream().anyMatch(r -> r.truth() != null);
    }

    /** A Parquet manifest's table has no rows until {@link #complete}: reading it before would find none. */
    private void requireComplete() {
        if (parquetRows != null) {
            throw new IllegalStateException("the Parquet manifest's rows are read by complete(spark) first");
        }
    }
}
