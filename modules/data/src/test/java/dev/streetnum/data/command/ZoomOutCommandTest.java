package dev.streetnum.data.command;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.AnnotatedImage;
import dev.streetnum.data.Box;
import dev.streetnum.data.DigitBox;
import dev.streetnum.data.ImageDecoder;
import dev.streetnum.data.ZoomOut;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ZoomOutCommandTest {

    /** A photo of random pixels, so that every pixel of the canvas says where it came from. */
    private static Path noise(Path folder, String name, int width, int height, long seed) {
        byte[] pixels = new byte[width * height * 3];
        new Random(seed).nextBytes(pixels);
        try (Mat m = new Mat(height, width, CV_8UC3)) {
            m.data().put(pixels);
            Path file = folder.resolve(name);
            assertTrue(opencv_imgcodecs.imwrite(file.toString(), m));
            return file;
        }
    }

    private static int[] pixel(Mat m, int x, int y) {
        byte[] b = new byte[3];
        m.ptr(y, x).get(b);
        return new int[] {b[0] & 0xff, b[1] & 0xff, b[2] & 0xff};
    }

    /**
     * Each canvas is round(K x) the photo's sides, holds the photo's pixels at the placement ZoomOut gives
     * photo i, and outside it the nearest edge pixel of the photo; the boxes move with the photo and the
     * labels stay.
     */
    @Test
    void eachPhotoSitsInACanvasKTimesItsSizeWithItsBoxesMoved(@TempDir Path dir) throws Exception {
        Path set = Files.createDirectories(dir.resolve("set"));
        AnnotatedDataset.write(set.resolve("labels.csv"), List.of(
                new AnnotatedImage(noise(set, "a.png", 30, 20, 1), List.of(new DigitBox(2, new Box(5, 4, 8, 12)),
                        new DigitBox(7, new Box(14, 3, 9, 13)))),
                new AnnotatedImage(noise(set, "b.png", 25, 15, 2), List.of(new DigitBox(4, new Box(-2, 1, 10, 20))))));
        Path out = dir.resolve("zoomed");
        Path given = CutNumbersCommandTest.relativeToWorkingFolder(dir);
        StringWriter printed = new StringWriter();
        assertEquals(0, new CommandLine(new ZoomOutCommand()).setErr(new PrintWriter(printed, true)).execute(
                "--data", given.resolve("set").toString(), "--out", given.resolve("zoomed").toString(),
                "--factor", "2.5", "--seed", "3"));
        assertEquals("2 photos of " + given.resolve("set") + " framed 2.5 times wider (seed 3) -> "
                + given.resolve("zoomed/labels.csv") + System.lineSeparator(), printed.toString(),
                "the paths as given");

        AnnotatedDataset zoomed = AnnotatedDataset.load(out, false);
        AnnotatedDataset original = AnnotatedDataset.load(set, false);
        assertEquals(2, zoomed.size());
        for (int i = 0; i < 2; i++) {
            AnnotatedImage before = original.images().get(i);
            AnnotatedImage after = zoomed.images().get(i);
            assertEquals(before.number(), after.number());
            try (Mat photo = ImageDecoder.read(before.file()); Mat canvas = ImageDecoder.read(after.file())) {
                ZoomOut.Placement at = new ZoomOut(2.5, 3).place(photo.cols(), photo.rows(), i);
                assertEquals(Math.round(2.5 * photo.cols()), canvas.cols());
                assertEquals(Math.round(2.5 * photo.rows()), canvas.rows());
                for (int k = 0; k < before.digits().size(); k++) {
                    Box b = before.digits().get(k).box();
                    assertEquals(new Box(b.left() + at.left(), b.top() + at.top(), b.width(), b.height()),
                            after.digits().get(k).box());
                }
                for (int y = 0; y < canvas.rows(); y++) {
                    for (int x = 0; x < canvas.cols(); x++) {
                        // The photo's own pixel there, or its nearest edge pixel outside it.
                        int px = Math.min(photo.cols() - 1, Math.max(0, x - at.left()));
                        int py = Math.min(photo.rows() - 1, Math.max(0, y - at.top()));
                        assertArrayEquals(pixel(photo, px, py), pixel(canvas, x, y), "photo " + i + " at " + x + "," + y);
                    }
                }
            }
        }
        assertTrue(Files.isRegularFile(out.resolve("a.png")) && !Files.isSymbolicLink(out.resolve("a.png")));

        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new ZoomOutCommand()).setErr(new PrintWriter(err, true));
        cli.setExecutionExceptionHandler((e, c, parsed) -> CommandErrors.report(e, c, "zoom-out",
                org.slf4j.LoggerFactory.getLogger(ZoomOutCommandTest.class)));
        assertEquals(CommandErrors.BAD_INPUT, cli.execute("--data", set.toString(), "--out", out.toString(),
                "--factor", "0.5"));
        assertTrue(err.toString().contains("in [1, 8.0], got 0.5"), err.toString());
        assertEquals(CommandErrors.BAD_INPUT, cli.execute("--data", set.toString(), "--out", set.toString(),
                "--factor", "2"));
        assertTrue(err.toString().contains("--out must not be --data's folder"), err.toString());
    }

    @Test
    void oneZoomedPhotoIsCountedInTheSingular(@TempDir Path dir) throws Exception {
        Path set = Files.createDirectories(dir.resolve("set"));
        AnnotatedDataset.write(set.resolve("labels.csv"), List.of(
                new AnnotatedImage(noise(set, "a.png", 30, 20, 1), List.of(new DigitBox(2, new Box(5, 4, 8, 12))))));
        StringWriter printed = new StringWriter();
        assertEquals(0, new CommandLine(new ZoomOutCommand()).setErr(new PrintWriter(printed, true)).execute(
                "--data", set.toString(), "--out", dir.resolve("zoomed").toString(), "--factor", "2", "--seed", "3"));
        assertTrue(printed.toString().startsWith("1 photo of " + set + " framed 2.0 times wider"), printed.toString());
    }

    @Test
    void placementsAreSeededPerPhotoAndStayInsideTheCanvas() {
        ZoomOut zoom = new ZoomOut(3, 7);
        for (int i = 0; i < 200; i++) {
            ZoomOut.Placement at = zoom.place(41, 17, i);
            assertEquals(123, at.width());
            assertEquals(51, at.height());
            assertTrue(at.left() >= 0 && at.left() + 41 <= 123 && at.top() >= 0 && at.top() + 17 <= 51, at.toString());
            assertEquals(at, new ZoomOut(3, 7).place(41, 17, i));
        }
        assertEquals(new ZoomOut.Placement(0, 0, 41, 17), new ZoomOut(1, 7).place(41, 17, 5));
    }
}
