package dev.streetnum.serve;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * {@code POST /v1/transcribe?explain=true}: the usual answer's fields, unchanged, plus
 * {@code explanation}.
 */
public record ExplainedAnswer(@JsonUnwrapped TranscriptionAnswer answer, Explanation explanation) {
}
