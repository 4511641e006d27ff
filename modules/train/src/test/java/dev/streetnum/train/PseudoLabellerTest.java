package dev.streetnum.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.AnnotatedImage;
import dev.streetnum.data.SoftTargets;
import dev.streetnum.data.Box;
import dev.streetnum.data.DataException;
import dev.streetnum.data.DigitBox;
import dev.streetnum.data.ImageDecoder;
import dev.streetnum.data.RealPhotoSplit;
import dev.streetnum.data.TestData;
import dev.streetnum.model.AcceptanceThreshold;
import dev.streetnum.model.Dl4jEngine;
import dev.streetnum.model.Ensemble;
import dev.streetnum.model.Localizer;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.ReadViews;
import dev.streetnum.model.TestBundles;
import dev.streetnum.model.Thresholds;
import dev.streetnum.model.Transcriber;
import dev.streetnum.model.Transcription;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PseudoLabellerTest {

    @TempDir
    static Path dir;

    private static AnnotatedDataset photos;
    private static Localizer localizer;
    private static ModelBundle bundle;

    @BeforeAll
    static void setUp() {
        photos = AnnotatedDataset.load(TestData.generatedSet(dir.resolve("photos"), 12, 61), false);
        // Untrained: its boxes are arbitrary but deterministic, which is all these tests need.
        localizer = TestBundles.untrainedLocalizer(3);
        bundle = TestBundles.tiny(5).withLocalizer(localizer);
        // Untrained, the tiny network mostly answers "" (length 0): lean its length head to two digits so
        // there are answers to accept and refuse.
        bundle.network().getLayer("length").getParam("b").putScalar(2, 12.0);
    }

    private static Path split(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), "file,split\n" + content);
    }

    private static String everyPhotoAs(String split) {
        return photos.images().stream().map(i -> i.file().getFileName() + "," + split + "\n").collect(Collectors.joining());
    }

    private static List<Mat> decoded() {
        List<Mat> mats = new ArrayList<>();
        for (AnnotatedImage image : photos.images()) {
            mats.add(ImageDecoder.read(image.file()));
        }
        return mats;
    }

    @Test
    void localizedBoxesKeepTheLabelsAndTakeTheLocalizersBoxes() throws Exception {
        RealPhotoSplit split = RealPhotoSplit.load(split("all-train.csv", everyPhotoAs("train")));
        List<AnnotatedImage> boxed = PseudoLabeller.localizedBoxes(new Transcriber(bundle), photos, split,
                new PrintWriter(new StringWriter()));

        List<Mat> mats = decoded();
        List<Box> expected = localizer.localize(mats);
        mats.forEach(Mat::close);
        assertEquals(photos.size(), boxed.size());
        for (int i = 0; i < boxed.size(); i++) {
            AnnotatedImage original = photos.images().get(i);
            assertEquals(original.file().toAbsolutePath(), boxed.get(i).file());
            assertEquals(original.number(), boxed.get(i).number());
            for (DigitBox digit : boxed.get(i).digits()) {
                assertEquals(expected.get(i), digit.box(), "photo " + i);
            }
        }
    }

    @Test
    void localizedBoxesNeverTakeAValidationOrTestPhoto() throws Exception {
        String names = everyPhotoAs("train");
        String valPhoto = photos.images().get(3).file().getFileName().toString();
        RealPhotoSplit split = RealPhotoSplit.load(split("one-val.csv", names.replace(valPhoto + ",train", valPhoto + ",val")));
        DataException e = assertThrows(DataException.class, () -> PseudoLabeller.localizedBoxes(new Transcriber(bundle),
                photos, split, new PrintWriter(new StringWriter())));
        assertTrue(e.getMessage().startsWith("photo " + valPhoto) && e.getMessage().contains("is a val photo"),
                e.getMessage());

        // The command refuses before writing anything.
        Path out = dir.resolve("refused");
        Path bundleFile = dir.resolve("with-localizer.bundle");
        bundle.save(bundleFile);
        int exit = new CommandLine(new LocalizeBoxesCommand()).execute("--model", bundleFile.toString(),
                "--data", photos.root().toString(), "--split", dir.resolve("one-val.csv").toString(), "--out", out.toString());
        assertTrue(exit != 0);
        assertTrue(Files.notExists(out));
    }

    @Test
    void pseudoLabelsAreExactlyTheAnswersAcceptedAtTheThreshold() {
        List<Path> files = photos.images().stream().map(AnnotatedImage::file).toList();
        // Independently: the no-box read of every photo, then a threshold that splits their confidences.
        List<Mat> mats = decoded();
        List<Transcription> answers = new Transcriber(bundle).transcribe(mats, Collections.nCopies(mats.size(), null));
        mats.forEach(Mat::close);
        List<Double> confidences = answers.stream().map(Transcription::confidence).sorted().toList();
        double threshold = confidences.get(confidences.size() / 2);

        PseudoLabeller.Result result = new PseudoLabeller(new Transcriber(bundle), AcceptanceThreshold.of(threshold),
                new PrintWriter(new StringWriter())).pseudoLabel(files);

        List<AnnotatedImage> expected = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            Transcription t = answers.get(i);
            if (t.transcribable() && t.confidence() >= threshold && !t.candidate().isEmpty()) {
                expected.add(PseudoLabeller.boxed(files.get(i), t.candidate(), t.box()));
            }
        }
        assertTrue(!expected.isEmpty() && expected.size() < files.size(), "the threshold splits the photos: "
                + answers.stream().map(t -> t.candidate() + "/" + t.transcribable() + "/" + t.confidence()).toList());
        assertEquals(expected, result.labelled());
        assertEquals(files.size(), result.read());
        assertEquals(files.size() - expected.size(), result.refused());
    }

    @Test
    void softLabelsAreEveryReadingWithTheDistributionsItCameFrom() {
        List<Path> files = photos.images().stream().map(AnnotatedImage::file).toList();
        List<Mat> mats = decoded();
        List<Transcription> answers = new Transcriber(bundle).transcribe(mats, Collections.nCopies(mats.size(), null));
        mats.forEach(Mat::close);

        PseudoLabeller.Result result = PseudoLabeller.softLabel(new Transcriber(bundle), files,
                new PrintWriter(new StringWriter()));

        List<AnnotatedImage> expected = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            Transcription t = answers.get(i);
            if (!t.candidate().isEmpty()) {
                expected.add(PseudoLabeller.boxed(files.get(i), t.candidate(), t.box()).withTargets(SoftTargets.of(t.heads())));
            }
        }
        assertTrue(expected.size() > files.size() / 2, "most photos have a reading with digits: " + expected.size());
        assertEquals(expected, result.labelled());
        assertEquals(files.size(), result.read());
        assertEquals(files.size() - expected.size(), result.refused());
        // No threshold: unsure readings are kept too, with their distributions (here every first digit is unsure).
        double surest = result.labelled().stream().mapToDouble(i -> i.targets().head(1)[i.digits().get(0).label()])
                .max().orElseThrow();
        assertTrue(surest < 0.5, "unsure readings are kept: surest first digit " + surest);
    }

    /** The test photos copied into a new folder {@code name}, as unlabelled photos come. */
    private static Path unlabelledCopy(String name) throws Exception {
        Path images = Files.createDirectories(dir.resolve(name));
        for (AnnotatedImage image : photos.images()) {
            Files.copy(image.file(), images.resolve(image.file().getFileName()));
        }
        return images;
    }

    /** {@code pseudo-label} on DL4J with the bundle saved to {@code bundleFile}; its errors go to {@code err}. */
    private static int pseudoLabelCommand(Path bundleFile, Path images, Path out, StringWriter err, String... options) {
        bundle.save(bundleFile);
        CommandLine cli = new CommandLine(new PseudoLabelCommand());
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(new StringWriter()));
        List<String> args = new ArrayList<>(List.of("--model", bundleFile.toString(), "--images", images.toString(),
                "--out", out.toString(), "--engine", "dl4j"));
        args.addAll(List.of(options));
        return cli.execute(args.toArray(String[]::new));
    }

    @Test
    void theCommandWithSoftWritesTheTargetsBesideTheLabels() throws Exception {
        Path images = unlabelledCopy("unlabelled-soft");
        Path bundleFile = dir.resolve("soft.bundle");
        Path out = dir.resolve("soft");
        StringWriter err = new StringWriter();
        // The bundle has no stored threshold: --soft must not need one.
        int exit = pseudoLabelCommand(bundleFile, images, out, err, "--soft");
        assertEquals(0, exit, err.toString());
        AnnotatedDataset written = AnnotatedDataset.load(out, false);
        assertTrue(written.images().stream().allMatch(i -> i.targets() != null), "every photo has targets");
        List<AnnotatedImage> direct = PseudoLabeller.softLabel(new Transcriber(bundle), PseudoLabelCommand.photos(images, null),
                new PrintWriter(new StringWriter())).labelled();
        assertEquals(direct, written.images().stream().map(i -> new AnnotatedImage(i.file().normalize(), i.digits(),
                i.targets())).toList(), "the files hold exactly the readings, float for float");
        String manifest = Files.readString(out.resolve(PseudoLabelCommand.MANIFEST));
        assertTrue(manifest.contains("\"soft_targets\" : true"), manifest);
        PseudoLabelCommand withThreshold = new PseudoLabelCommand();
        new CommandLine(withThreshold).parseArgs("--model", bundleFile.toString(), "--images", images.toString(), "--out",
                out.toString(), "--soft", "--threshold", "0.5");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, withThreshold::call);
        assertTrue(e.getMessage().contains("--soft keeps every photo"), e.getMessage());
    }

    /**
     * --ensemble: the soft targets are the ensemble's (each head averaged over both models in the lead's
     * boxes), computed independently by an {@link Ensemble} built by hand; without --soft or
     * --threshold the command refuses, since an ensemble has no stored threshold.
     */
    @Test
    void theCommandWithAnEnsembleWritesTheEnsemblesTargets() throws Exception {
        Path images = unlabelledCopy("unlabelled-ensemble");
        Path otherFile = dir.resolve("other.bundle");
        ModelBundle other = TestBundles.tiny(9);
        other.network().getLayer("length").getParam("b").putScalar(2, 12.0); // as the lead's: answers to write
        other.save(otherFile);
        Path out = dir.resolve("ensemble");
        StringWriter err = new StringWriter();
        int exit = pseudoLabelCommand(dir.resolve("lead.bundle"), images, out, err, "--soft", "--ensemble",
                otherFile.toString());
        assertEquals(0, exit, err.toString());
        List<Path> files = PseudoLabelCommand.photos(images, null);
        Ensemble byHand = new Ensemble(List.of(new Ensemble.Member(bundle, new Dl4jEngine(bundle)),
                new Ensemble.Member(other, new Dl4jEngine(other))));
        List<AnnotatedImage> expected = PseudoLabeller.softLabel(new Transcriber(byHand, ReadViews.CENTRE), files,
                new PrintWriter(new StringWriter())).labelled();
        List<AnnotatedImage> alone = PseudoLabeller.softLabel(new Transcriber(bundle), files,
                new PrintWriter(new StringWriter())).labelled();
        List<AnnotatedImage> written = AnnotatedDataset.load(out, false).images().stream()
                .map(i -> new AnnotatedImage(i.file().normalize(), i.digits(), i.targets())).toList();
        assertEquals(expected, written);
        assertTrue(!alone.equals(written), "the second model changes the targets");
        assertTrue(Files.readString(out.resolve(PseudoLabelCommand.MANIFEST)).contains(other.metadata().modelId()));

        PseudoLabelCommand noThreshold = new PseudoLabelCommand();
        new CommandLine(noThreshold).parseArgs("--model", dir.resolve("lead.bundle").toString(), "--images",
                images.toString(), "--out", dir.resolve("refused").toString(), "--ensemble", otherFile.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, noThreshold::call);
        assertTrue(e.getMessage().contains("no stored threshold"), e.getMessage());
    }

    @Test
    void theCommandWritesALoadableSetAndSkipsAnUnreadablePhoto() throws Exception {
        Path images = unlabelledCopy("unlabelled");
        Files.writeString(images.resolve("zz-broken.png"), "not a png");
        Path out = dir.resolve("pseudo");
        StringWriter err = new StringWriter();
        int exit = pseudoLabelCommand(dir.resolve("pl.bundle"), images, out, err, "--threshold", "0");
        assertEquals(0, exit, err.toString());
        assertTrue(err.toString().contains("zz-broken.png"), err.toString());
        AnnotatedDataset written = AnnotatedDataset.load(out, false);
        // At threshold 0 every transcribable, non-empty answer is a label; the broken file is not read.
        assertTrue(written.size() >= 1 && written.size() <= photos.size(), "labelled " + written.size());
        String manifest = Files.readString(out.resolve(PseudoLabelCommand.MANIFEST));
        assertTrue(manifest.contains("\"read\" : " + photos.size()) && manifest.contains("zz-broken.png"), manifest);
    }

    /**
     * Whole photos are judged by the no-box threshold alone, so a bundle calibrated only with
     * {@code evaluate --no-box --write-threshold} (what scripts/self-training-data.sh does to a newly trained
     * or split teacher) is enough; one with no threshold at all is refused naming the --no-box calibration.
     */
    @Test
    void theCommandNeedsOnlyTheNoBoxThreshold() throws Exception {
        Path images = unlabelledCopy("unlabelled-no-box-only");
        Path noBoxOnly = dir.resolve("no-box-only.bundle");
        bundle.withMetadata(bundle.metadata().withThresholds(Thresholds.fromKeys(Map.of("no-box 0.98", 0.0))))
                .save(noBoxOnly);
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new PseudoLabelCommand());
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(new StringWriter()));
        int exit = cli.execute("--model", noBoxOnly.toString(), "--images", images.toString(), "--out",
                dir.resolve("no-box-only").toString(), "--engine", "dl4j");
        assertEquals(0, exit, err.toString());
        assertTrue(Files.readString(dir.resolve("no-box-only").resolve(PseudoLabelCommand.MANIFEST))
                .contains("\"threshold\" : 0.0"), "judged at the no-box threshold");

        Path none = dir.resolve("no-threshold.bundle");
        bundle.withMetadata(bundle.metadata().withoutThresholds()).save(none);
        PseudoLabelCommand refused = new PseudoLabelCommand();
        new CommandLine(refused).parseArgs("--model", none.toString(), "--images", images.toString(), "--out",
                dir.resolve("no-threshold").toString(), "--engine", "dl4j");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, refused::call);
        assertTrue(e.getMessage().contains("evaluate --no-box --write-threshold"), e.getMessage());
    }

    @Test
    void viewsNeedAThresholdCalibratedWithThem() {
        PseudoLabelCommand command = new PseudoLabelCommand();
        new CommandLine(command).parseArgs("--model", "x.bundle", "--images", dir.toString(), "--out",
                dir.resolve("v").toString(), "--views", "3");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, command::call);
        assertTrue(e.getMessage().contains("give --threshold"), e.getMessage());
    }
}
