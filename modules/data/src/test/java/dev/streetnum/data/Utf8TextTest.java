package dev.streetnum.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Utf8TextTest {

    /** EF BB BF: the byte-order mark as UTF-8 encodes it (U+FEFF). */
    static final byte[] BOM = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};

    static byte[] withBom(String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[BOM.length + body.length];
        System.arraycopy(BOM, 0, all, 0, BOM.length);
        System.arraycopy(body, 0, all, BOM.length, body.length);
        return all;
    }

    @Test
    void aLeadingByteOrderMarkIsDroppedAndNothingElse() throws IOException {
        String text = "file,label\r\nä.png,3\n";
        assertEquals(text, Utf8Text.of(withBom(text)));
        assertEquals(text, Utf8Text.of(text.getBytes(StandardCharsets.UTF_8)));
        assertEquals("", Utf8Text.of(BOM));
        assertEquals("", Utf8Text.of(new byte[0]));
        // U+FEFF anywhere but the start is text (a zero-width no-break space) and stays.
        assertEquals("a\ufeffb", Utf8Text.of("a\ufeffb".getBytes(StandardCharsets.UTF_8)));
        try (BufferedReader r = new BufferedReader(Utf8Text.reader(new ByteArrayInputStream(withBom(text))))) {
            assertEquals("file,label", r.readLine());
        }
    }

    @Test
    void labelsWrittenByASpreadsheetLoad(@TempDir Path dir) throws IOException {
        org.bytedeco.opencv.global.opencv_imgcodecs.imwrite(dir.resolve("a.png").toString(),
                new org.bytedeco.opencv.opencv_core.Mat(10, 10, org.bytedeco.opencv.global.opencv_core.CV_8UC3));
        Files.write(dir.resolve("labels.csv"), withBom("file,label,left,top,width,height\r\na.png,4,1,1,5,6\r\n"));
        AnnotatedDataset data = AnnotatedDataset.load(dir, false);
        assertEquals("4", data.images().get(0).number());
        Files.write(dir.resolve("split.csv"), withBom("file,split\na.png,train\n"));
        assertEquals("train", RealPhotoSplit.load(dir.resolve("split.csv")).splitOf("a.png"));
    }
}
