package dev.streetnum.eval;

import dev.streetnum.data.Box;
import dev.streetnum.data.DataException;
import dev.streetnum.model.Transcription;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * The {@code box-readings.csv} of a report read without a box through several localizers: one row per
 * photo and candidate box, in the localizers' order, with that box's own reading. The answer in
 * predictions.csv was combined from these rows by the bundle's rule (DESIGN section 3a); another rule
 * can be tried on them without reading a photo again.
 */
public final class BoxReadingsCsv {

    public static final List<String> HEADER = List.of(
            "file", "truth", "localizer", "box", "box_iou", "answer", "transcribable", "log_probability",
            "confidence", "correct");

    private BoxReadingsCsv() {
    }

    /** Writes the candidate boxes of every prediction that has them. */
    static void write(List<Prediction> predictions, Path file) throws IOException {
        CSVFormat format = CSVFormat.RFC4180.builder().setHeader(HEADER.toArray(String[]::new)).get();
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
             CSVPrinter csv = new CSVPrinter(out, format)) {
            for (Prediction p : predictions) {
                for (int k = 0; k < p.boxReadings().size(); k++) {
                    Prediction.CandidateBox c = p.boxReadings().get(k);
                    Transcription.BoxReading r = c.reading();
                    csv.printRecord(p.file(), p.truth(), k, r.box(), Double.isNaN(c.boxIou()) ? "" : c.boxIou(),
                            r.candidate(), r.transcribable(), r.logProbability(), r.confidence(),
                            Prediction.correct(r.transcribable(), r.candidate(), p.truth()));
                }
            }
        }
    }

    /**
     * The candidate boxes of a file {@link #write} wrote, by photo in the file's order, each photo's in the
     * localizers' order; a {@link DataException} naming the file, line and field when a row is not one.
     * The "confidence" and "correct" columns are derived, so they are not read.
     */
    public static Map<String, List<Prediction.CandidateBox>> read(Path file) {
        return PredictionsCsv.readRows(file, "box readings file", HEADER, rows -> {
            Map<String, List<Prediction.CandidateBox>> byFile = new LinkedHashMap<>();
            for (CSVRecord row : rows) {
                long line = PredictionsCsv.requireConsistent(file, row);
                try {
                    String photo = row.get("file");
                    List<Prediction.CandidateBox> boxes = byFile.computeIfAbsent(photo, f -> new ArrayList<>());
                    int k = PredictionsCsv.field(row, "localizer", Integer::valueOf);
                    if (k != boxes.size()) {
                        throw new IllegalArgumentException("field 'localizer': " + photo + "'s box " + k
                                + " where box " + boxes.size() + " was due");
                    }
                    Double iou = PredictionsCsv.optional(row, "box_iou", Double::valueOf);
                    boxes.add(new Prediction.CandidateBox(new Transcription.BoxReading(
                            PredictionsCsv.field(row, "box", Box::parse), row.get("answer"),
                            PredictionsCsv.field(row, "transcribable", PredictionsCsv::bool),
                            PredictionsCsv.field(row, "log_probability", Double::valueOf)),
                            iou == null ? Double.NaN : iou));
                } catch (IllegalArgumentException e) {
                    throw new DataException(file + " line " + line + ": " + e.getMessage());
                }
            }
            return byFile;
        });
    }
}
