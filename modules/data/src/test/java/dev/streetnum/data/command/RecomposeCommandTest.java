package dev.streetnum.data.command;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.AnnotatedImage;
import dev.streetnum.data.Box;
import dev.streetnum.data.DataException;
import dev.streetnum.data.DigitBox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RecomposeCommandTest {

    private static Path photo(Path folder, String name) {
        Mat m = new Mat(40, 60, CV_8UC3, new Scalar(120, 130, 140, 0));
        // Dark strokes inside the digit boxes below, so the digits have contrast.
        rectangle(m, new Point(12, 10), new Point(19, 26), new Scalar(20, 20, 20, 0), -1, 8, 0);
        rectangle(m, new Point(24, 10), new Point(31, 26), new Scalar(20, 20, 20, 0), -1, 8, 0);
        Path file = folder.resolve(name);
        assertTrue(imwrite(file.toString(), m));
        return file;
    }

    @Test
    void writesADataSetAContactSheetAndAManifest(@TempDir Path dir) throws Exception {
        Path real = Files.createDirectories(dir.resolve("real"));
        AnnotatedDataset.write(real.resolve("labels.csv"), List.of(
                new AnnotatedImage(photo(real, "train_1.png"), List.of(new DigitBox(4, new Box(10, 8, 12, 20)),
                        new DigitBox(2, new Box(22, 8, 12, 20))))));
        Path split = dir.resolve("split.csv");
        Files.writeString(split, "file,split\ntrain_1.png,train\n");
        int exit = new CommandLine(new RecomposeCommand()).execute("--real", real.toString(), "--split", split.toString(),
                "--out", dir.resolve("out").toString(), "--count", "5", "--seed", "3", "--threads", "2");
        assertEquals(0, exit);
        assertEquals(5, AnnotatedDataset.load(dir.resolve("out"), false).size());
        assertTrue(Files.size(dir.resolve("out/samples.png")) > 1000);
        String manifest = Files.readString(dir.resolve("out/recompose.json"));
        assertTrue(manifest.contains("\"seed\" : 3") && manifest.contains("\"count\" : 5"), manifest);
    }

    @Test
    void aTestPhotoIsRefusedWithItsName(@TempDir Path dir) throws Exception {
        Path real = Files.createDirectories(dir.resolve("real"));
        AnnotatedDataset.write(real.resolve("labels.csv"), List.of(
                new AnnotatedImage(photo(real, "train_3600.png"), List.of(new DigitBox(4, new Box(10, 8, 12, 20))))));
        Path split = dir.resolve("split.csv");
        Files.writeString(split, "file,split\ntrain_3600.png,test\n");
        RecomposeCommand command = new RecomposeCommand();
        new CommandLine(command).parseArgs("--real", real.toString(), "--split", split.toString(),
                "--out", dir.resolve("out").toString(), "--count", "5");
        DataException e = assertThrows(DataException.class, command::call);
        assertTrue(e.getMessage().startsWith("photo train_3600.png (named in ") && e.getMessage().contains("is a test photo"),
                e.getMessage());
        assertTrue(Files.notExists(dir.resolve("out")), "nothing written");
    }
}
