package dev.streetnum.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.Box;
import dev.streetnum.data.DataException;
import dev.streetnum.model.BoxSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictionsCsvTest {

    @Test
    void readsBackWhatItWrote(@TempDir Path dir) throws Exception {
        List<Prediction> written = new ArrayList<>(ReportWriterTest.syntheticPredictions(21, 40));
        written.add(new Prediction("a, \"quoted\".png", "19", "9", true, 0.75, 0.5, new Box(3, -1, 20, 30),
                BoxSource.LOCALIZED, 0.625));
        written.add(new Prediction("b.png", "7", "7", true, 1.0, 1.0, new Box(0, 0, 9, 9), BoxSource.WHOLE_IMAGE, 0.1));
        Path file = dir.resolve("predictions.csv");
        PredictionsCsv.write(written, p -> p.confidence() > 0.5, file);
        assertEquals(written, PredictionsCsv.read(file));
        assertTrue(Files.readAllLines(file).get(0).equals(String.join(",", PredictionsCsv.HEADER)));
    }

    @Test
    void aBadRowIsNamedByFileLineAndField(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("predictions.csv");
        PredictionsCsv.write(ReportWriterTest.syntheticPredictions(22, 3), p -> true, file);
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.set(2, lines.get(2).replaceFirst(",(true|false),([0-9.E-]+),", ",$1,high,"));
        Files.write(file, lines);
        DataException e = assertThrows(DataException.class, () -> PredictionsCsv.read(file));
        assertEquals(file + " line 3: field 'confidence': not a number: 'high'", e.getMessage());

        lines.set(2, "only,three,fields");
        Files.write(file, lines);
        assertTrue(assertThrows(DataException.class, () -> PredictionsCsv.read(file)).getMessage()
                .startsWith(file + " line 3: expected 11 fields, got 3"));

        Files.write(file, List.of("file,truth,answer", "a.png,1,1"));
        assertTrue(assertThrows(DataException.class, () -> PredictionsCsv.read(file)).getMessage()
                .startsWith(file + " line 1: header lacks column 'transcribable'"));

        assertEquals("predictions file not found: " + dir.resolve("none.csv"),
                assertThrows(DataException.class, () -> PredictionsCsv.read(dir.resolve("none.csv"))).getMessage());
    }

    /** What compare and compare-cuts say of a report that is not there: the path, and what they expected. */
    @Test
    void aMissingReportFolderIsNamedWithWhatWasExpected(@TempDir Path dir) {
        Path nope = dir.resolve("nope");
        assertEquals(nope + " does not exist: expected a report folder (with predictions.csv) or the predictions.csv"
                + " itself", assertThrows(DataException.class, () -> PredictionsCsv.inReport(nope)).getMessage());
        assertEquals("report folder " + dir + " has no predictions.csv",
                assertThrows(DataException.class, () -> PredictionsCsv.inReport(dir)).getMessage());
    }

    @Test
    void aBoxSourceIsOneOfTheLabels(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("predictions.csv");
        Files.write(file, List.of(String.join(",", PredictionsCsv.HEADER),
                "a.png,1,1,true,0.9,0.8,true,true,\"1,2,3,4\",guessed,0.5"));
        assertEquals(file + " line 2: field 'box_source': a box source is one of [caller, localized, whole-image],"
                + " got 'guessed'", assertThrows(DataException.class, () -> PredictionsCsv.read(file)).getMessage());
    }
}
