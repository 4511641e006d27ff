package dev.streetnum.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.AnnotatedImage;
import dev.streetnum.data.Box;
import dev.streetnum.data.ImageDecoder;
import dev.streetnum.data.TestData;
import dev.streetnum.model.Localizer;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.TestBundles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalizerTrainerTest {

    @TempDir
    static Path dir;

    @Test
    void aBrieflyTrainedLocalizerFindsGeneratedNumbersBetterThanTheCentre() {
        AnnotatedDataset train = AnnotatedDataset.load(TestData.generatedSet(dir.resolve("train"), 300, 21), false);
        AnnotatedDataset val = AnnotatedDataset.load(TestData.generatedSet(dir.resolve("val"), 60, 22), false);
        AnnotatedDataset test = AnnotatedDataset.load(TestData.generatedSet(dir.resolve("test"), 100, 23), false);
        LocalizerConfig config = new LocalizerConfig(32, 0, 250, 32, 3e-3, 5, 125, 0.4, 0.3, 0.5);
        StringWriter log = new StringWriter();
        Localizer localizer = new LocalizerTrainer(config, "test", new PrintWriter(log)).train(List.of(train), val);

        // A broken localizer that answers the photo's centre with the training boxes' mean relative size.
        double meanWidth = 0;
        double meanHeight = 0;
        for (AnnotatedImage image : train.images()) {
            Mat photo = ImageDecoder.read(image.file());
            meanWidth += image.region().width() / (double) photo.cols() / train.size();
            meanHeight += image.region().height() / (double) photo.rows() / train.size();
            photo.close();
        }
        List<Mat> photos = new ArrayList<>();
        double trained = 0;
        double centre = 0;
        for (AnnotatedImage image : test.images()) {
            photos.add(ImageDecoder.read(image.file()));
        }
        List<Box> found = localizer.localize(photos);
        for (int i = 0; i < photos.size(); i++) {
            Box truth = test.images().get(i).region();
            int w = photos.get(i).cols();
            int h = photos.get(i).rows();
            int bw = (int) Math.round(meanWidth * w);
            int bh = (int) Math.round(meanHeight * h);
            Box middle = new Box((w - bw) / 2, (h - bh) / 2, bw, bh);
            trained += found.get(i).iou(truth) / photos.size();
            centre += middle.iou(truth) / photos.size();
        }
        photos.forEach(Mat::close);
        System.err.println("MEASURE trained " + trained + " centre " + centre + "\n" + log);
        assertTrue(trained > 0.6 && trained > centre + 0.1,
                "mean IoU trained " + trained + ", centre " + centre + "\n" + log);
        assertTrue(log.toString().contains("photos/s") && log.toString().contains("left"), log.toString());
        assertEquals("test", localizer.metadata().provenance().get("command_line"));
        assertTrue(localizer.metadata().metrics().get("val_mean_iou") > 0.5);
    }

    @Test
    void trainLocalizerCommandAttachesItToACopyOfTheBundle() {
        Path data = TestData.generatedSet(dir.resolve("cmd"), 40, 31);
        Path in = TestBundles.tinyBundleFile(dir.resolve("in"));
        Path out = dir.resolve("out/with-localizer.bundle");
        StringWriter stdout = new StringWriter();
        picocli.CommandLine cli = new picocli.CommandLine(new TrainLocalizerCommand());
        cli.setOut(new PrintWriter(stdout));
        cli.setErr(new PrintWriter(new StringWriter()));
        int code = cli.execute("--data", data.toString(), "--val", data.toString(), "--bundle", in.toString(),
                "--out", out.toString(), "--minutes", "0", "--max-iterations", "3", "--input-side", "32",
                "--batch", "8");
        assertEquals(0, code, stdout.toString());
        ModelBundle original = ModelBundle.load(in);
        ModelBundle attached = ModelBundle.load(out);
        assertTrue(original.localizer().isEmpty(), "the input bundle is left alone");
        assertTrue(attached.localizer().isPresent());
        assertEquals(original.metadata(), attached.metadata());
        assertEquals(original.network().params(), attached.network().params());
        assertTrue(String.valueOf(attached.localizer().get().metadata().provenance().get("train_data")).contains("sha256:"));

        Path moved = dir.resolve("out/moved.bundle");
        int attachCode = new picocli.CommandLine(new AttachLocalizerCommand()).execute("--from", out.toString(),
                "--bundle", in.toString(), "--out", moved.toString());
        assertEquals(0, attachCode);
        assertEquals(attached.localizer().get().metadata(), ModelBundle.load(moved).localizer().get().metadata());
    }
}
