package dev.streetnum.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The header reader agrees with the sizes javax.imageio wrote, without decoding. */
class ImageHeaderTest {

    @ParameterizedTest
    @CsvSource({"1,1", "54,54", "640,480", "7,3000", "1999,17"})
    void pngAndJpegSizesMatchWhatWasWritten(int width, int height) {
        ImageHeader png = ImageHeader.read(TestImages.png(width, height), "png");
        assertEquals(new ImageHeader(ImageHeader.PNG, width, height), png);
        ImageHeader jpeg = ImageHeader.read(TestImages.jpeg(width, height), "jpeg");
        assertEquals(new ImageHeader(ImageHeader.JPEG, width, height), jpeg);
        assertEquals((long) width * height, jpeg.pixels());
    }

    @ParameterizedTest
    @CsvSource({"2", "8", "20"})
    void truncatedJpegIsAClientError(int keep) {
        byte[] jpeg = Arrays.copyOf(TestImages.jpeg(40, 40), keep);
        ServiceError e = assertThrows(ServiceError.class, () -> ImageHeader.read(jpeg, "upload"));
        assertEquals(400, e.status());
        assertEquals(true, e.getMessage().startsWith("upload"), e.getMessage());
    }
}
