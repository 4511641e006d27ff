package dev.streetnum.serve;

/**
 * Why the transcription path ({@link TranscriptionEngine}, its {@link MicroBatcher}, {@link EncodedImage})
 * gave no answer, with a sentence naming the problem that is safe to show a client. It knows no
 * protocol: the HTTP layer ({@link TranscriptionApp}) maps each kind to a status in one place.
 */
public final class TranscriptionFailure extends RuntimeException {

    /** What went wrong, as a caller must react to it. */
    public enum Kind {
        /** The image or its box cannot be read: the caller's to fix. */
        BAD_IMAGE,
        /** Over a limit (pixels, images per call): the caller's to fix. */
        TOO_LARGE,
        /** The queue is full, the answer late, or the service stopping: retry shortly. */
        BUSY,
        /** The model failed on an acceptable image; the failure was logged where it happened. */
        MODEL_FAILED
    }

    private final Kind kind;

    /** A failure of {@code kind} with a sentence for the caller. */
    public TranscriptionFailure(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    /** How a caller should react. */
    public Kind kind() {
        return kind;
    }
}
