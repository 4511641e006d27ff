package dev.streetnum.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The software version, written into every bundle and report (filled in by Maven at build time). */
public final class StreetnumVersion {

    public static final String VERSION = load();

    private StreetnumVersion() {
    }

    private static String load() {
        try (InputStream in = StreetnumVersion.class.getResourceAsStream("/streetnum-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
