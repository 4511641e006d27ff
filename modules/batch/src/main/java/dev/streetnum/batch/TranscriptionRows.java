package dev.streetnum.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streetnum.data.Box;
import dev.streetnum.model.AcceptanceThreshold;
import dev.streetnum.model.Transcription;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The output table's rows: one per image, an answer or an error. */
public final class TranscriptionRows {

    /**
     * {@code file}: the image as the input named it; {@code text}: the transcription when accepted, else
     * null; {@code accepted}; {@code candidate}: the most probable transcription even when refused;
     * {@code confidence}: its P(S|x); {@code box_left}, {@code box_top}, {@code box_width},
     * {@code box_height}: the region read, in the image's pixels before the 30% expansion (the input's box,
     * or the one the localizers found: a downstream system can crop or draw it), and {@code box_source}
     * where it came from ({@code caller}, {@code localized}, {@code whole-image}, as the service's
     * {@code boxSource}); {@code alternatives}: the next most probable, a JSON array of
     * {@code {"text","confidence"}} (CSV has no nested types); {@code model}: the model id;
     * {@code error}: why the image could not be read (every other answer column is then null, accepted
     * false), else null.
     */
    public static final StructType SCHEMA = new StructType()
            .add("file", DataTypes.StringType, false)
            .add("text", DataTypes.StringType, true)
            .add("accepted", DataTypes.BooleanType, false)
            .add("candidate", DataTypes.StringType, true)
            .add("confidence", DataTypes.DoubleType, true)
            .add("box_left", DataTypes.IntegerType, true)
            .add("box_top", DataTypes.IntegerType, true)
            .add("box_width", DataTypes.IntegerType, true)
            .add("box_height", DataTypes.IntegerType, true)
            .add("box_source", DataTypes.StringType, true)
            .add("alternatives", DataTypes.StringType, true)
            .add("model", DataTypes.StringType, false)
            .add("error", DataTypes.StringType, true);

    private static final ObjectMapper JSON = new ObjectMapper();

    private TranscriptionRows() {
    }

    /** The answer row, judged at {@code threshold} as the service judges it (by where its box came from). */
    public static Row answer(String file, Transcription t, AcceptanceThreshold threshold, String modelId) {
        boolean accepted = threshold.accepts(t);
        Box box = t.box();
        return RowFactory.create(file, accepted ? t.candidate() : null, accepted, t.candidate(), t.confidence(),
                box == null ? null : box.left(), box == null ? null : box.top(), box == null ? null : box.width(),
                box == null ? null : box.height(), t.boxSource() == null ? null : t.boxSource().label(),
                alternatives(t.alternatives()), modelId, null);
    }

    /** The row of an image that could not be read. */
    public static Row error(String file, String message, String modelId) {
        return RowFactory.create(file, null, false, null, null, null, null, null, null, null, null, modelId, message);
    }

    static String alternatives(List<Transcription.Alternative> alternatives) {
        try {
            return JSON.writeValueAsString(alternatives == null ? List.of() : alternatives);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a list of text and number pairs is always JSON", e);
        }
    }
}
