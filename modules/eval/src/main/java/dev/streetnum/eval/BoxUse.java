package dev.streetnum.eval;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How an evaluation uses the CSV's boxes: given to the model, withheld from it, or read as boxes the
 * bundle's localizer found. Each way names itself in {@code report.json} ({@link #label}).
 */
public enum BoxUse {
    /** Given to the model as a caller's (a detector's) box would be: the default. */
    GIVEN("the CSV's boxes"),
    /**
     * Not given ({@code --no-box}): the bundle's localizer finds the box, or the whole photo is read; the CSV's
     * boxes stay the truth the boxes found are scored against (mean IoU). What a user without a detector gets.
     */
    WITHHELD("no box"),
    /**
     * Each read as a box the bundle's localizer found ({@code --boxes-as-found},
     * {@link dev.streetnum.model.Transcriber#transcribeAsFound}): by the networks of the no-box path, the answer
     * sourced {@code localized}, so a set of boxes that cut the number ({@code cut-numbers}) measures how that
     * path reads such a box.
     */
    AS_FOUND("the CSV's boxes, read as found");

    private final String label;

    BoxUse(String label) {
        this.label = label;
    }

    /**
     * The report's {@code boxes}. GIVEN's and WITHHELD's are byte for byte those of the reports written before
     * this enum (the committed {@code models/report-*.json} among them), so old and new reports compare.
     */
    @JsonValue
    public String label() {
        return label;
    }
}
