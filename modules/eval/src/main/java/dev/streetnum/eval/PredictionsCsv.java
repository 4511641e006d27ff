package dev.streetnum.eval;

import dev.streetnum.data.Box;
import dev.streetnum.data.DataException;
import dev.streetnum.data.FolderOrFile;
import dev.streetnum.data.Utf8Text;
import dev.streetnum.model.BoxSource;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * The {@code predictions.csv} of a report folder, one test image a row: written by {@link ReportWriter},
 * read back by {@code compare} (and by anyone who wants to recompute a figure from the rows alone).
 */
public final class PredictionsCsv {

    public static final List<String> HEADER = List.of(
            "file", "truth", "answer", "transcribable", "confidence", "ad_hoc_confidence", "accepted", "correct",
            "box", "box_source", "box_iou");

    private static final FolderOrFile REPORT_FOLDER = new FolderOrFile("report folder", ReportWriter.PREDICTIONS_CSV);

    private PredictionsCsv() {
    }

    /** @param accepted whether the report's acceptance threshold accepts a prediction (the "accepted" column) */
    public static void write(List<Prediction> predictions, Predicate<Prediction> accepted, Path file) throws IOException {
        CSVFormat format = CSVFormat.RFC4180.builder().setHeader(HEADER.toArray(String[]::new)).get();
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
             CSVPrinter csv = new CSVPrinter(out, format)) {
            for (Prediction p : predictions) {
                csv.printRecord(p.file(), p.truth(), p.answer(), p.transcribable(), p.confidence(),
                        p.adHocConfidence(), accepted.test(p), p.correct(), p.box() == null ? "" : p.box(),
                        p.boxSource() == null ? "" : p.boxSource().label(), Double.isNaN(p.boxIou()) ? "" : p.boxIou());
            }
        }
    }

    /** A report folder's predictions.csv, or the file itself (what the commands that read reports accept). */
    public static Path inReport(Path given) {
        return REPORT_FOLDER.file(given);
    }

    /**
     * The predictions of a file {@link #write} wrote, in its order; a {@link DataException} naming the file,
     * line and field when a row is not one. The "accepted" and "correct" columns are derived (from the
     * report's threshold, and from truth and answer), so they are not read.
     */
    public static List<Prediction> read(Path file) {
        return readRows(file, "predictions file", HEADER, rows -> {
            List<Prediction> predictions = new ArrayList<>();
            for (CSVRecord row : rows) {
                predictions.add(prediction(file, row));
            }
            return predictions;
        });
    }

    /**
     * Opens a report's CSV, checks its header holds {@code header}'s columns and hands its rows to
     * {@code read}; a {@link DataException} naming the file when it is missing or cannot be read.
     */
    static <T> T readRows(Path file, String what, List<String> header, Function<CSVParser, T> read) {
        CSVFormat format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get();
        try (Reader in = Utf8Text.reader(Files.newInputStream(file));
             CSVParser rows = format.parse(in)) {
            requireColumns(file, rows, header);
            return read.apply(rows);
        } catch (NoSuchFileException e) {
            throw new DataException(what + " not found: " + file);
        } catch (IOException e) {
            throw new DataException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new DataException("cannot parse " + file + ": " + e.getCause().getMessage(), e);
        }
    }

    /** A {@link DataException} naming the first of {@code header}'s columns the file lacks. */
    static void requireColumns(Path file, CSVParser rows, List<String> header) {
        for (String column : header) {
            if (!rows.getHeaderMap().containsKey(column)) {
                throw new DataException(file + " line 1: header lacks column '" + column + "' (expected "
                        + String.join(",", header) + ")");
            }
        }
    }

    /** The row's line in the file; a {@link DataException} naming it when its field count is not the header's. */
    static long requireConsistent(Path file, CSVRecord row) {
        long line = row.getRecordNumber() + 1; // the header is line 1
        if (!row.isConsistent()) {
            throw new DataException(file + " line " + line + ": expected " + row.getParser().getHeaderNames().size()
                    + " fields, got " + row.size());
        }
        return line;
    }

    private static Prediction prediction(Path file, CSVRecord row) {
        long line = requireConsistent(file, row);
        try {
            Double iou = optional(row, "box_iou", Double::valueOf);
            return new Prediction(row.get("file"), row.get("truth"), row.get("answer"),
                    field(row, "transcribable", PredictionsCsv::bool), field(row, "confidence", Double::valueOf),
                    field(row, "ad_hoc_confidence", Double::valueOf), optional(row, "box", Box::parse),
                    optional(row, "box_source", BoxSource::ofLabel), iou == null ? Double.NaN : iou);
        } catch (IllegalArgumentException e) {
            throw new DataException(file + " line " + line + ": " + e.getMessage());
        }
    }

    /** The box columns are empty where a box is not known (the CSV's boxes were given): null then. */
    static <T> T optional(CSVRecord row, String column, Function<String, T> parse) {
        return row.get(column).isEmpty() ? null : field(row, column, parse);
    }

    /** The column's value as {@code parse} reads it; an IllegalArgumentException naming the field if it cannot. */
    static <T> T field(CSVRecord row, String column, Function<String, T> parse) {
        String text = row.get(column);
        try {
            return parse.apply(text);
        } catch (IllegalArgumentException e) { // NumberFormatException included
            throw new IllegalArgumentException("field '" + column + "': " + (e instanceof NumberFormatException
                    ? "not a number: '" + text + "'" : e.getMessage()));
        }
    }

    static boolean bool(String text) {
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("not true or false: '" + text + "'");
        };
    }
}
