package dev.streetnum.data;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * A data set folder: {@code labels.csv} (DESIGN section 2, one row per digit in reading order) and
 * its images; a distillation set also holds {@code soft-targets.csv}, one row per photo with a
 * teacher's distributions ({@link SoftTargets}), and then every photo must have one.
 */
public final class AnnotatedDataset {

    /** The file name of the annotations inside a data set folder. */
    public static final String LABELS_FILE = "labels.csv";
    /** A data set is given as its folder or its labels.csv. */
    private static final FolderOrFile DATA_FOLDER = new FolderOrFile("data folder", LABELS_FILE);
    /** The CSV columns, in the order this project writes them. */
    public static final List<String> COLUMNS = List.of("file", "label", "left", "top", "width", "height");
    /** Beside {@link #LABELS_FILE} in a distillation set: "file" and {@link SoftTargets#columns()}. */
    public static final String TARGETS_FILE = "soft-targets.csv";
    /** {@link #TARGETS_FILE}'s columns, in the order this project writes them. */
    private static final List<String> TARGETS_COLUMNS =
            java.util.stream.Stream.concat(java.util.stream.Stream.of("file"), SoftTargets.columns().stream()).toList();
    /** How both files are read: a header, spaces around fields and empty lines ignored. */
    private static final CSVFormat READ_FORMAT = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true)
            .setIgnoreSurroundingSpaces(true).setIgnoreEmptyLines(true).build();
    /** How the data module writes its CSVs (labels, soft targets, check-labels' gaps): RFC 4180, LF line ends. */
    public static final CSVFormat WRITE_FORMAT = CSVFormat.RFC4180.builder().setRecordSeparator('\n').build();

    private final Path root;
    private final List<AnnotatedImage> images;
    private final int skippedRows;
    private final String identity;

    private AnnotatedDataset(Path root, List<AnnotatedImage> images, int skippedRows, String identity) {
        this.root = root;
        this.images = List.copyOf(images);
        this.skippedRows = skippedRows;
        this.identity = identity;
    }

    /**
     * Loads a data set from a folder holding {@code labels.csv}, or from the CSV itself.
     *
     * @param skipBadRows false: the first malformed row is a {@link DataException} naming file, line and
     *                    field; true: bad rows (and the images they belong to) are skipped and counted
     */
    public static AnnotatedDataset load(Path folderOrCsv, boolean skipBadRows) {
        Path csv = DATA_FOLDER.file(folderOrCsv);
        Path root = csv.toAbsolutePath().getParent();
        byte[] content = readAll(csv);
        String identity = csv.normalize() + " sha256:" + Sha256.hex(content);

        Map<String, List<DigitBox>> digitsByFile = new LinkedHashMap<>();
        Map<String, Long> firstLine = new LinkedHashMap<>();
        Map<String, Boolean> badFiles = new LinkedHashMap<>();
        int skipped = 0;
        try (Reader reader = new java.io.StringReader(Utf8Text.of(content));
             CSVParser parser = READ_FORMAT.parse(reader)) {
            List<String> header = parser.getHeaderNames();
            for (String column : COLUMNS) {
                if (!header.contains(column)) {
                    throw new DataException(csv + " line 1: header lacks column '" + column + "' (expected "
                            + String.join(",", COLUMNS) + ", got " + String.join(",", header) + ")");
                }
            }
            for (CSVRecord row : parser) {
                long line = row.getRecordNumber() + 1; // the header is line 1
                String file = row.isSet("file") ? row.get("file") : "";
                try {
                    DigitBox digit = parseRow(row);
                    if (!badFiles.containsKey(file)) {
                        digitsByFile.computeIfAbsent(file, f -> new ArrayList<>()).add(digit);
                        firstLine.putIfAbsent(file, line);
                    }
                } catch (IllegalArgumentException e) {
                    if (!skipBadRows) {
                        throw new DataException(csv + " line " + line + ": " + e.getMessage());
                    }
                    skipped++;
                    badFiles.put(file, true);
                    digitsByFile.remove(file);
                }
            }
        } catch (IOException e) {
            throw new DataException("cannot parse " + csv + ": " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new DataException("cannot parse " + csv + ": " + e.getCause().getMessage(), e);
        }

        Path targetsCsv = csv.resolveSibling(TARGETS_FILE);
        Map<String, SoftTargets> targets = null;
        if (Files.isRegularFile(targetsCsv)) {
            byte[] targetContent = readAll(targetsCsv);
            java.util.Set<String> named = new java.util.HashSet<>(digitsByFile.keySet());
            named.addAll(badFiles.keySet()); // skipped photos may keep their rows
            targets = readTargets(targetsCsv, targetContent, named, digitsByFile.keySet());
            identity += " + " + TARGETS_FILE + " sha256:" + Sha256.hex(targetContent);
        }
        List<AnnotatedImage> images = new ArrayList<>(digitsByFile.size());
        for (Map.Entry<String, List<DigitBox>> entry : digitsByFile.entrySet()) {
            Path file = root.resolve(entry.getKey());
            if (!Files.isRegularFile(file)) {
                if (!skipBadRows) {
                    throw new DataException(csv + " line " + firstLine.get(entry.getKey()) + ": field 'file': image '"
                            + entry.getKey() + "' not found in " + root);
                }
                skipped += entry.getValue().size();
                continue;
            }
            images.add(new AnnotatedImage(file, entry.getValue(), targets == null ? null : targets.get(entry.getKey())));
        }
        if (images.isEmpty()) {
            throw new DataException(csv + ": no usable images" + (skipped > 0 ? " (" + skipped + " bad rows skipped)" : ""));
        }
        return new AnnotatedDataset(root, images, skipped, identity);
    }

    private static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DataException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The teacher's distributions by file: a row may name any photo of {@code named}, each of {@code required}
     * needs one (a malformed row is always an error: the file is written by {@code pseudo-label --soft}, not by hand).
     */
    private static Map<String, SoftTargets> readTargets(Path csv, byte[] content, java.util.Set<String> named,
                                                        java.util.Set<String> required) {
        List<String> columns = SoftTargets.columns();
        Map<String, SoftTargets> targets = new LinkedHashMap<>();
        try (CSVParser parser = READ_FORMAT.parse(new java.io.StringReader(Utf8Text.of(content)))) {
            List<String> header = parser.getHeaderNames();
            for (String column : TARGETS_COLUMNS) {
                if (!header.contains(column)) {
                    throw new DataException(csv + " line 1: header lacks column '" + column + "'");
                }
            }
            for (CSVRecord row : parser) {
                long line = row.getRecordNumber() + 1;
                if (!row.isConsistent()) {
                    throw new DataException(csv + " line " + line + ": expected " + header.size() + " fields, got " + row.size());
                }
                String file = row.get("file");
                if (!named.contains(file)) {
                    throw new DataException(csv + " line " + line + ": field 'file': '" + file + "' has no rows in "
                            + LABELS_FILE);
                }
                float[] p = new float[SoftTargets.SIZE];
                for (int c = 0; c < p.length; c++) {
                    String text = row.get(columns.get(c));
                    try {
                        p[c] = Float.parseFloat(text);
                    } catch (NumberFormatException e) {
                        throw new DataException(csv + " line " + line + ": field '" + columns.get(c)
                                + "' is not a number: '" + text + "'");
                    }
                }
                try {
                    if (targets.put(file, SoftTargets.flat(p)) != null) {
                        throw new IllegalArgumentException("field 'file': '" + file + "' has a second row");
                    }
                } catch (IllegalArgumentException e) {
                    throw new DataException(csv + " line " + line + ": " + e.getMessage());
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new DataException("cannot parse " + csv + ": " + e.getMessage(), e);
        }
        for (String file : required) {
            if (!targets.containsKey(file)) {
                throw new DataException(csv + ": photo '" + file + "' of " + LABELS_FILE + " has no row");
            }
        }
        return targets;
    }

    /** A data set held in memory (a service's request, a test): {@code identity} says where it came from. */
    public static AnnotatedDataset of(Path root, List<AnnotatedImage> images, String identity) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("a data set needs at least one image");
        }
        return new AnnotatedDataset(root, images, 0, identity);
    }

    private static DigitBox parseRow(CSVRecord row) {
        if (!row.isConsistent()) {
            throw new IllegalArgumentException("expected " + row.getParser().getHeaderNames().size()
                    + " fields, got " + row.size());
        }
        if (row.get("file").isEmpty()) {
            throw new IllegalArgumentException("field 'file' is empty");
        }
        int label = integerField(row, "label");
        if (label < 0 || label > 9) {
            throw new IllegalArgumentException("field 'label' must be a digit 0-9, got " + label);
        }
        int left = integerField(row, "left");
        int top = integerField(row, "top");
        int width = integerField(row, "width");
        int height = integerField(row, "height");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("fields 'width' and 'height' must be positive, got "
                    + width + " and " + height);
        }
        return new DigitBox(label, new Box(left, top, width, height));
    }

    private static int integerField(CSVRecord row, String field) {
        String text = row.get(field);
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            // digitStruct values are doubles; a whole-valued "12.0" is still an integer.
            try {
                double d = Double.parseDouble(text);
                if (d == Math.rint(d) && Math.abs(d) < Integer.MAX_VALUE) {
                    return (int) d;
                }
            } catch (NumberFormatException ignored) {
                // fall through to the error naming the field
            }
            throw new IllegalArgumentException("field '" + field + "' is not an integer: '" + text + "'");
        }
    }

    /**
     * Writes annotations in this project's layout. Image paths are written relative to the CSV's
     * folder (absolute paths are relativised to it). When the images carry soft targets (all of them
     * must, or none), {@link #TARGETS_FILE} is written beside the CSV.
     */
    public static void write(Path csv, List<AnnotatedImage> images) {
        Path folder = csv.toAbsolutePath().getParent();
        long withTargets = images.stream().filter(i -> i.targets() != null).count();
        if (withTargets != 0 && withTargets != images.size()) {
            throw new IllegalArgumentException(withTargets + " of " + images.size()
                    + " images carry soft targets: a distillation set needs them on every photo or none");
        }
        try {
            Files.createDirectories(folder);
            try (Writer out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8);
                 CSVPrinter printer = WRITE_FORMAT.print(out)) {
                printer.printRecord(COLUMNS);
                for (AnnotatedImage image : images) {
                    String name = relativeName(folder, image);
                    for (DigitBox d : image.digits()) {
                        Box b = d.box();
                        printer.printRecord(name, d.label(), b.left(), b.top(), b.width(), b.height());
                    }
                }
            }
            if (withTargets > 0) {
                Path targetsCsv = csv.resolveSibling(TARGETS_FILE);
                try (Writer out = Files.newBufferedWriter(targetsCsv, StandardCharsets.UTF_8);
                     CSVPrinter printer = WRITE_FORMAT.print(out)) {
                    printer.printRecord(TARGETS_COLUMNS);
                    for (AnnotatedImage image : images) {
                        List<String> row = new ArrayList<>(TARGETS_COLUMNS.size());
                        row.add(relativeName(folder, image));
                        for (float p : image.targets().flat()) {
                            row.add(Float.toString(p)); // shortest text that reads back to the same float
                        }
                        printer.printRecord(row);
                    }
                }
            } else {
                // A plain set written over a distillation set must not inherit its old targets.
                Files.deleteIfExists(csv.resolveSibling(TARGETS_FILE));
            }
        } catch (IOException e) {
            throw new DataException("cannot write " + csv + ": " + e.getMessage(), e);
        }
    }

    private static String relativeName(Path folder, AnnotatedImage image) {
        Path file = image.file().isAbsolute() ? folder.relativize(image.file()) : image.file();
        return file.toString().replace('\\', '/');
    }

    /** The images in CSV order. */
    public List<AnnotatedImage> images() {
        return images;
    }

    public int size() {
        return images.size();
    }

    /** Rows skipped as malformed (only with skipBadRows), including rows of images not found. */
    public int skippedRows() {
        return skippedRows;
    }

    /** The folder images are relative to. */
    public Path root() {
        return root;
    }

    /** The image's file as this set names it: relative to {@link #root}, '/'-separated (reports and tables key on it). */
    public String nameOf(AnnotatedImage image) {
        return root.toAbsolutePath().normalize().relativize(image.file().toAbsolutePath().normalize()).toString()
                .replace('\\', '/');
    }

    /** Provenance: the CSV's path and content hash, e.g. {@code data/val/labels.csv sha256:1a2b...}. */
    public String identity() {
        return identity;
    }
}
