package dev.streetnum.data;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.commons.io.input.BOMInputStream;

/**
 * Text files people write (labels.csv, a split file, a batch manifest, a list of photos to set aside)
 * read as UTF-8, a leading byte-order mark dropped: spreadsheet programs write one ("CSV UTF-8" in
 * Excel), and left in, it becomes part of the first column's name, so a header that reads "file" does
 * not match "file".
 */
public final class Utf8Text {

    private Utf8Text() {
    }

    /** A reader of the stream's text, without a leading byte-order mark. The caller closes it. */
    public static Reader reader(InputStream in) {
        try {
            return new InputStreamReader(BOMInputStream.builder().setInputStream(in).get(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bytes' text, without a leading byte-order mark. */
    public static String of(byte[] content) {
        try (Reader in = reader(new ByteArrayInputStream(content))) {
            StringWriter text = new StringWriter(content.length);
            in.transferTo(text);
            return text.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array cannot fail to read
        }
    }
}
