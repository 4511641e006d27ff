package dev.streetnum.eval;

import dev.streetnum.data.DataException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.commons.csv.CSVRecord;

/**
 * Photos a comparison leaves out, named by file in a CSV with a {@code file} column (other columns are the
 * reader's notes): say val's labels that name part of the number a photo shows
 * ({@code datasets/svhn-real-val-partial-labels.csv}), which a rule (R49) judged the models without.
 * Every name must be among the photos of each report it is applied to, so a list of the wrong split fails
 * instead of leaving everything in.
 *
 * @param list  the CSV the names came from, for messages
 * @param lines each name and the CSV line it is on
 */
public record SetAsidePhotos(Path list, Map<String, Long> lines) {

    public SetAsidePhotos {
        lines = Map.copyOf(lines);
    }

    /** The names in {@code list}; a {@link DataException} naming the file and line of a blank or repeated one. */
    public static SetAsidePhotos read(Path list) {
        return PredictionsCsv.readRows(list, "list of photos to set aside", List.of("file"), rows -> {
            Map<String, Long> lines = new LinkedHashMap<>();
            for (CSVRecord row : rows) {
                String name = row.get("file").strip();
                long line = PredictionsCsv.requireConsistent(list, row);
                if (name.isEmpty()) {
                    throw new DataException(list + " line " + line + ": the file field is empty");
                }
                Long earlier = lines.putIfAbsent(name, line);
                if (earlier != null) {
                    throw new DataException(list + " line " + line + ": " + name + " is named again (first on line "
                            + earlier + ")");
                }
            }
            return new SetAsidePhotos(list, lines);
        });
    }

    /** {@code set}'s predictions without the photos named here; every name must be among them. */
    public List<Prediction> from(List<Prediction> set, Path report) {
        Set<String> photos = set.stream().map(Prediction::file).collect(Collectors.toSet());
        // The first missing name by line: the map keeps no order.
        lines.entrySet().stream().filter(e -> !photos.contains(e.getKey())).min(Map.Entry.comparingByValue())
                .ifPresent(e -> {
                    throw new DataException(list + " line " + e.getValue() + ": " + e.getKey() + " is not among the "
                            + set.size() + " photos of " + report);
                });
        return set.stream().filter(p -> !lines.containsKey(p.file())).toList();
    }

    public int size() {
        return lines.size();
    }
}
