package dev.streetnum.serve;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.Box;
import dev.streetnum.data.ExifJpeg;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

class EncodedImageTest {

    /** A phone's portrait photo: stored 60 wide and 20 high, shown (EXIF orientation 6) 20 wide and 60 high. */
    private static final byte[] PORTRAIT = ExifJpeg.of(new Mat(20, 60, CV_8UC3, new Scalar(90, 90, 90, 0)), 6);

    @Test
    void boxIsCheckedAgainstTheUprightPhoto() {
        // Inside the photo as shown, below the stored frame's 20 rows: read, not refused.
        try (Mat photo = new EncodedImage(PORTRAIT, new Box(2, 40, 10, 10), "portrait.jpg").decode(1_000_000)) {
            assertEquals(20, photo.cols());
            assertEquals(60, photo.rows());
        }
        // Inside the stored frame's 60 columns, right of the photo as shown: refused, naming the upright size.
        TranscriptionFailure outside = assertThrows(TranscriptionFailure.class,
                () -> new EncodedImage(PORTRAIT, new Box(30, 2, 10, 10), "portrait.jpg").decode(1_000_000));
        assertEquals(TranscriptionFailure.Kind.BAD_IMAGE, outside.kind());
        assertTrue(outside.getMessage().contains("portrait.jpg: box 30,2,10,10 (left,top,width,height) lies outside the 20x60 image"), outside.getMessage());
    }

    @Test
    void pixelLimitHoldsWhicheverWayThePhotoIsTurned() {
        TranscriptionFailure large = assertThrows(TranscriptionFailure.class,
                () -> new EncodedImage(PORTRAIT, null, "portrait.jpg").decode(1_199));
        assertEquals(TranscriptionFailure.Kind.TOO_LARGE, large.kind());
        try (Mat photo = new EncodedImage(PORTRAIT, null, "portrait.jpg").decode(1_200)) {
            assertEquals(1_200, photo.cols() * photo.rows());
        }
    }
}
