package dev.streetnum.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** Where the region a transcription was read from came from, so a caller can draw it and trust it accordingly. */
public enum BoxSource {
    /** The caller's (a detector's) box, expanded 30%. */
    CALLER("caller"),
    /** No box was given: the bundle's localizer found the number, and its box was expanded 30%. */
    LOCALIZED("localized"),
    /** No box was given and the bundle has no localizer: the whole photo, not expanded (the behaviour before issue 14). */
    WHOLE_IMAGE("whole-image");

    private final String label;

    BoxSource(String label) {
        this.label = label;
    }

    /** The name in answers and reports. */
    @JsonValue
    public String label() {
        return label;
    }

    /** The source a {@link #label} names; an IllegalArgumentException listing the labels for any other text. */
    public static BoxSource ofLabel(String label) {
        for (BoxSource source : values()) {
            if (source.label.equals(label)) {
                return source;
            }
        }
        throw new IllegalArgumentException("a box source is one of " + java.util.Arrays.stream(values())
                .map(BoxSource::label).toList() + ", got '" + label + "'");
    }
}
