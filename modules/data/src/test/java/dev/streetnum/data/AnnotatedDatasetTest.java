package dev.streetnum.data;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnnotatedDatasetTest {

    @TempDir
    Path dir;

    private void image(String name) {
        opencv_imgcodecs.imwrite(dir.resolve(name).toString(), new Mat(10, 10, CV_8UC3, new Scalar(0, 0, 0, 0)));
    }

    private Path csv(String body) throws IOException {
        return Files.writeString(dir.resolve("labels.csv"), "file,label,left,top,width,height\n" + body);
    }

    @Test
    void groupsRowsIntoNumbersInReadingOrderAndKeepsBoxesPastTheEdge() throws IOException {
        image("a.png");
        image("b.png");
        csv("a.png,1,2,3,4,5\nb.png,7,-3,0,20,12\na.png,0,6,3,4,5\n");
        AnnotatedDataset data = AnnotatedDataset.load(dir, false);
        assertEquals(2, data.size());
        assertEquals("10", data.images().get(0).number());
        assertEquals(new Box(2, 3, 8, 5), data.images().get(0).region());
        assertEquals(new Box(-3, 0, 20, 12), data.images().get(1).digits().get(0).box());
        assertEquals(dir.toAbsolutePath(), data.root());
    }

    @Test
    void identityIsPathAndContentHash() throws Exception {
        image("a.png");
        Path file = csv("a.png,1,2,3,4,5\n");
        String hash = java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        AnnotatedDataset data = AnnotatedDataset.load(file, false);
        assertEquals(file.normalize() + " sha256:" + hash, data.identity());
        Files.writeString(file, "file,label,left,top,width,height\na.png,2,2,3,4,5\n");
        assertTrue(!data.identity().equals(AnnotatedDataset.load(file, false).identity()));
    }

    @Test
    void malformedRowsNameFileLineAndField() throws IOException {
        image("a.png");
        record Case(String rows, String expected) {
        }
        List<Case> cases = List.of(
                new Case("a.png,1,2,3,4,5\na.png,x,2,3,4,5\n", "line 3: field 'label' is not an integer: 'x'"),
                new Case("a.png,1,2,3,-4,5\n", "line 2: fields 'width' and 'height' must be positive"),
                new Case("a.png,1,2,3\n", "line 2: expected 6 fields, got 4"),
                new Case("a.png,12,2,3,4,5\n", "line 2: field 'label' must be a digit 0-9"),
                new Case("a.png,1,2,3,4,5\nmissing.png,1,2,3,4,5\n", "line 3: field 'file': image 'missing.png' not found"));
        for (Case c : cases) {
            Path file = csv(c.rows());
            DataException e = assertThrows(DataException.class, () -> AnnotatedDataset.load(dir, false), c.rows());
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
            assertTrue(e.getMessage().contains(c.expected()), e.getMessage());
        }
        Files.writeString(dir.resolve("labels.csv"), "file,label,left,top,width\na.png,1,2,3,4\n");
        DataException e = assertThrows(DataException.class, () -> AnnotatedDataset.load(dir, false));
        assertTrue(e.getMessage().contains("header lacks column 'height'"), e.getMessage());
    }

    @Test
    void skippingDropsBadRowsWithTheirImagesAndCountsThem() throws IOException {
        image("a.png");
        image("b.png");
        image("c.png");
        csv("a.png,1,2,3,4,5\nb.png,1,2,3,4,5\nb.png,x,2,3,4,5\nc.png,3,2,3,4,5\nd.png,4,2,3,4,5\n");
        AnnotatedDataset data = AnnotatedDataset.load(dir, true);
        assertEquals(List.of("1", "3"), data.images().stream().map(AnnotatedImage::number).toList());
        assertEquals(2, data.skippedRows()); // the bad b.png row and the row of missing d.png
    }

    /** A data folder that is not there is named as one, not as a missing file. */
    @Test
    void aMissingDataFolderIsNamedWithWhatWasExpected(@TempDir Path dir) throws IOException {
        Path nope = dir.resolve("nope");
        assertEquals(nope + " does not exist: expected a data folder (with labels.csv) or the labels.csv itself",
                assertThrows(DataException.class, () -> AnnotatedDataset.load(nope, false)).getMessage());
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertEquals("data folder " + empty + " has no labels.csv",
                assertThrows(DataException.class, () -> AnnotatedDataset.load(empty, false)).getMessage());
    }

    @Test
    void writeThenLoadRoundTrips() throws IOException {
        image("a.png");
        List<AnnotatedImage> images = List.of(new AnnotatedImage(dir.resolve("a.png").toAbsolutePath(),
                List.of(new DigitBox(4, new Box(-1, 2, 3, 4)), new DigitBox(2, new Box(5, 2, 3, 4)))));
        AnnotatedDataset.write(dir.resolve("labels.csv"), images);
        assertEquals("file,label,left,top,width,height\na.png,4,-1,2,3,4\na.png,2,5,2,3,4\n",
                Files.readString(dir.resolve("labels.csv")));
        assertEquals(images, AnnotatedDataset.load(dir, false).images());
    }

    @Test
    void readsTheRealSvhnSampleAsIs() throws IOException {
        Optional<Path> real = TestData.shared("svhn-real/train/labels.csv");
        assumeTrue(real.isPresent(), "../shared/svhn-real is not beside this checkout");
        List<String> lines = Files.readAllLines(real.get());
        AnnotatedDataset data = AnnotatedDataset.load(real.get().getParent(), false);
        long distinctFiles = lines.stream().skip(1).map(l -> l.substring(0, l.indexOf(','))).distinct().count();
        assertEquals(distinctFiles, data.size());
        assertEquals(lines.size() - 1, data.images().stream().mapToInt(AnnotatedImage::length).sum());
        assertEquals("19", data.images().get(0).number()); // train_1.png is house number 19
    }
}
