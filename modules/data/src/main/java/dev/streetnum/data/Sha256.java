package dev.streetnum.data;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The identity of bytes: a data set's annotation, a photo, a model shipped to executors. */
public final class Sha256 {

    private Sha256() {
    }

    /** The SHA-256 of {@code content}, as 64 lower-case hex digits (what {@code sha256sum} prints). */
    public static String hex(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
