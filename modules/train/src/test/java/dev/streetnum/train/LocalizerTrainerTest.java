package dev.streetnum.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.AnnotatedImage;
import dev.streetnum.data.Box;
import dev.streetnum.data.CropExpander;
import dev.streetnum.data.ImageDecoder;
import dev.streetnum.data.TestData;
import dev.streetnum.model.Localizer;
import dev.streetnum.model.LocalizerInput;
import dev.streetnum.model.LocalizerNetwork;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.TestBundles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

class LocalizerTrainerTest {

    @TempDir
    static Path dir;

    private static final int TRAINING_STEPS = 200;
    // Measured here (seeded, deterministic): trained 0.573, the centre guesser 0.508. The bounds pass
    // the first and fail the second; generated numbers sit near the centre, so that guesser is strong.
    private static final double MIN_IOU = 0.45;
    private static final double MIN_GAIN_OVER_CENTRE = 0.03;

    /** Re-framed like a user's photo, the number anywhere in the view: a centre guess does badly here. */
    private static final LocalizerConfig USER_FRAMING = new LocalizerConfig(new LocalizerInput(32, 32),
            0, 1, 1, 1e-3, 1, 1, 0.0, 0.3, 0.5, 1, LocalizerNetwork.Loss.L2, null);

    @Test
    void aBrieflyTrainedLocalizerFindsGeneratedNumbersFarBetterThanTheCentre() {
        AnnotatedDataset train = AnnotatedDataset.load(TestData.generatedSet(dir.resolve("train"), 200, 21), false);
        AnnotatedDataset val = AnnotatedDataset.load(TestData.generatedSet(dir.resolve("val"), 40, 22), false);
        AnnotatedDataset test = AnnotatedDataset.load(TestData.generatedSet(dir.resolve("test"), 80, 23), false);
        LocalizerConfig config = new LocalizerConfig(new LocalizerInput(32, 32), 0, TRAINING_STEPS, 32, 3e-3, 5,
                TRAINING_STEPS / 2, 0.2, 0.3, 0.5, 1, LocalizerNetwork.Loss.L2, null);
        StringWriter log = new StringWriter();
        Localizer localizer = new LocalizerTrainer(config, "test", new PrintWriter(log)).train(List.of(train), val);

        // A broken localizer that answers the view's centre with the training boxes' mean relative size.
        double meanWidth = 0;
        double meanHeight = 0;
        for (AnnotatedImage image : train.images()) {
            try (Mat photo = ImageDecoder.read(image.file())) {
                meanWidth += image.region().width() / (double) photo.cols() / train.size();
                meanHeight += image.region().height() / (double) photo.rows() / train.size();
            }
        }
        Random framing = new Random(99);
        List<Mat> views = new ArrayList<>();
        List<Box> truths = new ArrayList<>();
        for (AnnotatedImage image : test.images()) {
            try (Mat photo = ImageDecoder.read(image.file())) {
                Box number = image.region().visibleIn(photo.cols(), photo.rows());
                Box window = LocalizerViews.window(photo.cols(), photo.rows(), number, USER_FRAMING, framing);
                views.add(CropExpander.cutReplicating(photo, window));
                truths.add(LocalizerViews.inWindow(number, window));
            }
        }
        List<Box> found = localizer.localize(views);
        double trained = 0;
        double centre = 0;
        for (int i = 0; i < views.size(); i++) {
            int w = views.get(i).cols();
            int h = views.get(i).rows();
            int bw = Math.max(1, (int) Math.round(meanWidth * w));
            int bh = Math.max(1, (int) Math.round(meanHeight * h));
            trained += found.get(i).iou(truths.get(i)) / views.size();
            centre += new Box((w - bw) / 2, (h - bh) / 2, bw, bh).iou(truths.get(i)) / views.size();
        }
        views.forEach(Mat::close);
        String figures = "mean IoU trained " + trained + ", centre " + centre + "\n" + log;
        assertTrue(trained > MIN_IOU && trained > centre + MIN_GAIN_OVER_CENTRE, figures);
        assertTrue(log.toString().contains("validation mean IoU") && log.toString().contains("iteration " + TRAINING_STEPS + ","),
                "each validation and the last one are logged: " + log);
        assertEquals("test", localizer.metadata().provenance().get("command_line"));

        // The shared loop ran the plan and handed back the network it selected: recomputed here, its mean IoU
        // on the validation photos is the one it was selected with.
        java.util.Map<String, Object> provenance = localizer.metadata().provenance();
        assertEquals(TRAINING_STEPS, ((Number) provenance.get("iterations")).longValue());
        long selected = ((Number) provenance.get("selected_at_iteration")).longValue();
        assertTrue(selected == TRAINING_STEPS / 2 || selected == TRAINING_STEPS, "selected at " + selected);
        assertTrue(((Number) provenance.get("training_seconds")).longValue() >= 0);
        List<Mat> valPhotos = new ArrayList<>();
        List<Box> valNumbers = new ArrayList<>();
        for (AnnotatedImage image : val.images()) {
            Mat photo = ImageDecoder.read(image.file());
            valPhotos.add(photo);
            valNumbers.add(image.region().visibleIn(photo.cols(), photo.rows()));
        }
        List<Box> valFound = localizer.localize(valPhotos);
        double valIou = 0;
        for (int i = 0; i < valPhotos.size(); i++) {
            valIou += valFound.get(i).iou(valNumbers.get(i)) / valPhotos.size();
        }
        valPhotos.forEach(Mat::close);
        assertEquals(localizer.metadata().metrics().get("val_mean_iou"), valIou, 1e-5);
        assertTrue(log.toString().contains("(best " + String.format(java.util.Locale.ROOT, "%.4f", valIou)
                + " at " + selected + ")"), log.toString());
    }

    /**
     * Stopped on request (as SIGTERM or Ctrl-C asks), the run keeps the best localizer validated so far,
     * its provenance saying so; stopped before any validation, it has nothing to keep and says that.
     */
    @Test
    void aRunStoppedOnRequestKeepsTheBestValidatedSoFar() {
        AnnotatedDataset set = AnnotatedDataset.load(TestData.generatedSet(dir.resolve("stop"), 24, 41), false);
        LocalizerConfig config = new LocalizerConfig(new LocalizerInput(32, 32), 0, 1000, 8, 1e-3, 3, 2, 0.2, 0.3,
                0.5, 1, LocalizerNetwork.Loss.L2, null);
        int[] asked = {0};
        Localizer kept = new LocalizerTrainer(config, "test", new PrintWriter(new StringWriter()))
                .stoppingWhen(() -> ++asked[0] >= 5).train(List.of(set), set);
        assertEquals(5, asked[0]);
        assertEquals(5L, ((Number) kept.metadata().provenance().get("iterations")).longValue());
        assertEquals(true, kept.metadata().provenance().get(LocalizerTrainer.STOPPED_ON_REQUEST));
        long selectedAt = ((Number) kept.metadata().provenance().get("selected_at_iteration")).longValue();
        assertTrue(selectedAt == 2 || selectedAt == 4, "validated at 2 and 4 only: " + selectedAt);

        TrainingStopped early = assertThrows(TrainingStopped.class, () -> new LocalizerTrainer(config, "test",
                new PrintWriter(new StringWriter())).stoppingWhen(() -> true).train(List.of(set), set));
        assertEquals("stopped at iteration 1, before its first validation: no localizer to keep", early.getMessage());
    }

    @Test
    void trainLocalizerCommandAttachesItToACopyOfTheBundle() {
        Path data = TestData.generatedSet(dir.resolve("cmd"), 40, 31);
        Path val = TestData.generatedSet(dir.resolve("cmd-val"), 8, 32);
        Path in = TestBundles.tinyBundleFile(dir.resolve("in"));
        Path out = dir.resolve("out/with-localizer.bundle");

        // Selected on --val, so its photos are refused among --data's, before any training.
        StringWriter refusal = new StringWriter();
        picocli.CommandLine selectedOnItsData = new picocli.CommandLine(new TrainLocalizerCommand());
        selectedOnItsData.setErr(new PrintWriter(refusal));
        assertTrue(selectedOnItsData.execute("--data", data.toString(), "--data", val.toString(), "--val", val.toString(),
                "--bundle", in.toString(), "--out", out.toString(), "--minutes", "0", "--max-iterations", "3") != 0);
        assertTrue(refusal.toString().contains("the localizer's training photos (" + val + ") include ")
                && refusal.toString().contains(", the validation photo "), refusal.toString());
        assertFalse(java.nio.file.Files.exists(out));

        StringWriter stdout = new StringWriter();
        picocli.CommandLine cli = new picocli.CommandLine(new TrainLocalizerCommand());
        cli.setOut(new PrintWriter(stdout));
        cli.setErr(new PrintWriter(new StringWriter()));
        int code = cli.execute("--data", data.toString(), "--val", val.toString(), "--bundle", in.toString(),
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

        // --refine-window changes how the localizer is read, nothing else; a bad one is refused, nothing written.
        Path refined = dir.resolve("out/refined.bundle");
        assertEquals(0, new picocli.CommandLine(new AttachLocalizerCommand()).execute("--from", out.toString(),
                "--bundle", in.toString(), "--out", refined.toString(), "--refine-window", "1.5"));
        ModelBundle refinedBundle = ModelBundle.load(refined);
        assertEquals(attached.localizer().get().metadata().withRefineWindow(1.5), refinedBundle.localizer().get().metadata());
        assertEquals(attached.localizer().get().network().params(), refinedBundle.localizer().get().network().params());
        Path refused = dir.resolve("out/refused.bundle");
        picocli.CommandLine bad = new picocli.CommandLine(new AttachLocalizerCommand());
        bad.setErr(new PrintWriter(new StringWriter()));
        assertTrue(bad.execute("--from", out.toString(), "--bundle", in.toString(), "--out", refused.toString(),
                "--refine-window", "0.5") != 0);
        assertFalse(java.nio.file.Files.exists(refused));

        // --from twice attaches both localizers, in order; a bundle with two gives both to the next; more than
        // MAX_LOCALIZERS is refused before anything is written.
        Path two = dir.resolve("out/two.bundle");
        StringWriter twoOut = new StringWriter();
        picocli.CommandLine attachTwo = new picocli.CommandLine(new AttachLocalizerCommand());
        attachTwo.setOut(new PrintWriter(twoOut));
        assertEquals(0, attachTwo.execute("--from", refined.toString(), "--from", out.toString(),
                "--bundle", in.toString(), "--out", two.toString()));
        List<Localizer> both = ModelBundle.load(two).localizers();
        assertEquals(List.of(refinedBundle.localizer().get().metadata(), attached.localizer().get().metadata()),
                both.stream().map(Localizer::metadata).toList());
        assertTrue(twoOut.toString().contains("2 localizers"), twoOut.toString());
        Path three = dir.resolve("out/three.bundle");
        assertEquals(0, new picocli.CommandLine(new AttachLocalizerCommand()).execute("--from", two.toString(),
                "--from", out.toString(), "--bundle", in.toString(), "--out", three.toString(), "--refine-window", "2"));
        assertEquals(List.of(2.0, 2.0, 2.0), ModelBundle.load(three).localizers().stream()
                .map(l -> l.metadata().refineWindow()).toList());
        Path tooMany = dir.resolve("out/too-many.bundle");
        StringWriter tooManyErr = new StringWriter();
        picocli.CommandLine five = new picocli.CommandLine(new AttachLocalizerCommand());
        five.setErr(new PrintWriter(tooManyErr));
        assertTrue(five.execute("--from", three.toString(), "--from", two.toString(), "--bundle", in.toString(),
                "--out", tooMany.toString()) != 0);
        assertTrue(tooManyErr.toString().contains("at most " + ModelBundle.MAX_LOCALIZERS), tooManyErr.toString());
        assertFalse(java.nio.file.Files.exists(tooMany));

        // --replace N keeps the bundle's own localizers and swaps its N-th for --from's; an N it lacks is refused.
        Path swapped = dir.resolve("out/swapped.bundle");
        StringWriter swappedOut = new StringWriter();
        picocli.CommandLine swap = new picocli.CommandLine(new AttachLocalizerCommand());
        swap.setOut(new PrintWriter(swappedOut));
        assertEquals(0, swap.execute("--from", out.toString(), "--bundle", three.toString(), "--replace", "2",
                "--out", swapped.toString()));
        List<Localizer> threeOwn = ModelBundle.load(three).localizers();
        assertEquals(List.of(threeOwn.get(0).metadata(), attached.localizer().get().metadata(), threeOwn.get(2).metadata()),
                ModelBundle.load(swapped).localizers().stream().map(Localizer::metadata).toList());
        assertTrue(swappedOut.toString().contains("its localizer 2 replaced"), swappedOut.toString());
        Path noFourth = dir.resolve("out/no-fourth.bundle");
        String noFourthErr = refusedReplacing(out, three, 4, noFourth);
        assertTrue(noFourthErr.contains("holds 3 localizers, so N is 1 to 3"), noFourthErr);
        assertFalse(java.nio.file.Files.exists(noFourth));
        String noSecondErr = refusedReplacing(out, moved, 2, noFourth);
        assertTrue(noSecondErr.contains("holds 1 localizer, so N is 1 to 1"), noSecondErr);

        // A bundle whose no-box thresholds were calibrated with another localizer says so when it gets a new one.
        Path calibrated = dir.resolve("out/calibrated.bundle");
        ModelBundle withNoBox = ModelBundle.load(moved);
        withNoBox.withMetadata(withNoBox.metadata().withThresholds(dev.streetnum.model.Thresholds.fromKeys(
                java.util.Map.of("0.98", 0.8, "no-box 0.98", 0.99)))).save(calibrated);
        for (Path target : List.of(in, calibrated)) {
            StringWriter err = new StringWriter();
            picocli.CommandLine attach = new picocli.CommandLine(new AttachLocalizerCommand());
            attach.setErr(new PrintWriter(err));
            attach.setOut(new PrintWriter(new StringWriter()));
            assertEquals(0, attach.execute("--from", out.toString(), "--bundle", target.toString(), "--out",
                    dir.resolve("out/re-attached.bundle").toString()));
            assertEquals(target.equals(calibrated), err.toString().contains("keeps the no-box thresholds calibrated"
                    + " with its previous localizer"), err.toString());
        }
    }

    /** What attach-localizer says when {@code --replace n} names a localizer {@code bundle} lacks; it must fail. */
    private static String refusedReplacing(Path from, Path bundle, int n, Path out) {
        StringWriter err = new StringWriter();
        picocli.CommandLine attach = new picocli.CommandLine(new AttachLocalizerCommand());
        attach.setErr(new PrintWriter(err));
        assertTrue(attach.execute("--from", from.toString(), "--bundle", bundle.toString(), "--replace", "" + n,
                "--out", out.toString()) != 0);
        return err.toString();
    }

    @Test
    void aRunStartsFromABundlesLocalizerAndRefusesOneThatDoesNotFit() {
        Path data = TestData.generatedSet(dir.resolve("init"), 40, 41);
        AnnotatedDataset set = AnnotatedDataset.load(data, false);
        Path plain = TestBundles.tinyBundleFile(dir.resolve("init-plain"));
        LocalizerInput wide = new LocalizerInput(64, 32);
        LocalizerConfig first = new LocalizerConfig(wide, 0, 3, 8, 1e-3, 7, 3, 0.4, 0.3, 0.5, 1,
                LocalizerNetwork.Loss.L2, null);
        Localizer trained = new LocalizerTrainer(first, "test", new PrintWriter(new StringWriter())).train(List.of(set), set);
        Path withLocalizer = dir.resolve("init-out/first.bundle");
        ModelBundle.load(plain).withLocalizer(trained).save(withLocalizer);

        // Trained on for one step at a vanishing rate, the network is the one it started from, not a fresh one;
        // the command takes the localizer's input (64 wide, 32 high, not the default 64x64) when none is given.
        Path next = dir.resolve("init-out/next.bundle");
        StringWriter err = new StringWriter();
        picocli.CommandLine cli = new picocli.CommandLine(new TrainLocalizerCommand());
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(err));
        Path val = TestData.generatedSet(dir.resolve("init-val"), 8, 42);
        assertEquals(0, cli.execute("--data", data.toString(), "--val", val.toString(), "--bundle", plain.toString(),
                "--out", next.toString(), "--init-from", withLocalizer.toString(), "--minutes", "0",
                "--max-iterations", "1", "--validate-every", "1", "--batch", "8", "--lr", "1e-9", "--seed", "8",
                "--loss", "RELATIVE"), err.toString());
        Localizer resumed = ModelBundle.load(next).localizer().orElseThrow();
        // Trained with L2, continued with the relative loss: the bundle's network carries the loss it trained on last.
        assertEquals(LocalizerNetwork.Loss.L2, LocalizerNetwork.lossOf(trained.network()));
        assertEquals(LocalizerNetwork.Loss.RELATIVE, LocalizerNetwork.lossOf(resumed.network()));
        assertTrue(err.toString().contains("RELATIVE loss"), err.toString());
        assertEquals(wide, resumed.metadata().input());
        INDArray started = trained.network().params();
        INDArray ended = resumed.network().params();
        assertTrue(started.equalsWithEps(ended, 1e-6), "max change " + started.sub(ended).amaxNumber());
        INDArray fresh = LocalizerNetwork.build(wide, 1, LocalizerNetwork.Loss.L2, SeedSplit.of(8).init(), 1e-9).params();
        assertFalse(fresh.equalsWithEps(ended, 1e-2), "a fresh network of the run's seed is another network");
        assertEquals(withLocalizer.toString(), resumed.metadata().provenance().get("init_from"));
        assertTrue(err.toString().contains("starting from the localizer of " + withLocalizer), err.toString());

        // A start that does not fit is refused, naming the file and what differs.
        LocalizerConfig wider = new LocalizerConfig(new LocalizerInput(32, 32), 0, 1, 8, 1e-3, 8, 1, 0.4, 0.3, 0.5, 2,
                LocalizerNetwork.Loss.L2, withLocalizer);
        IllegalArgumentException widthError = assertThrows(IllegalArgumentException.class,
                () -> new LocalizerTrainer(wider, "test", new PrintWriter(new StringWriter())).train(List.of(set), set));
        assertTrue(widthError.getMessage().contains(withLocalizer + " holds a localizer with a 64x32 input and width 1;"
                        + " this run was given a 32x32 input and width 2"),
                widthError.getMessage());
        LocalizerConfig none = new LocalizerConfig(new LocalizerInput(32, 32), 0, 1, 8, 1e-3, 8, 1, 0.4, 0.3, 0.5, 1,
                LocalizerNetwork.Loss.L2, plain);
        IllegalArgumentException noneError = assertThrows(IllegalArgumentException.class,
                () -> new LocalizerTrainer(none, "test", new PrintWriter(new StringWriter())).train(List.of(set), set));
        assertTrue(noneError.getMessage().contains(plain + " has no localizer"), noneError.getMessage());
    }
}
