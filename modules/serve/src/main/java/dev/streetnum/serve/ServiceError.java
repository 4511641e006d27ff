package dev.streetnum.serve;

/**
 * An answer the service gives instead of a transcription: the HTTP status that says why and a sentence
 * naming the problem, safe to show the client. Mapped in one place ({@link TranscriptionApp}) to
 * {@code {"error": "..."}}. Already logged where that was needed, so the mapper does not log it again.
 */
public final class ServiceError extends RuntimeException {

    static final int BAD_REQUEST = 400;
    static final int NOT_FOUND = 404;
    static final int TOO_LARGE = 413;
    static final int UNSUPPORTED_TYPE = 415;
    static final int INTERNAL = 500;
    static final int UNAVAILABLE = 503;

    /** Seconds a client is told to wait after a 503. */
    static final int RETRY_AFTER_SECONDS = 1;

    private final int status;

    public ServiceError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    static ServiceError badRequest(String message) {
        return new ServiceError(BAD_REQUEST, message);
    }

    static ServiceError tooLarge(String message) {
        return new ServiceError(TOO_LARGE, message);
    }

    static ServiceError unavailable(String message) {
        return new ServiceError(UNAVAILABLE, message);
    }
}
