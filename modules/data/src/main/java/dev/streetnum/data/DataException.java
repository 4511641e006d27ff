package dev.streetnum.data;

/**
 * Bad input a user can fix: a missing file, a malformed CSV row, an undecodable image. The message
 * names the problem (file, line, field) and is shown to the user as it is, without a stack trace.
 */
public class DataException extends RuntimeException {

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
