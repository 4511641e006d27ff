package dev.streetnum.model;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.Box;
import dev.streetnum.data.DataException;
import dev.streetnum.data.TestData;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

class LocalizerTest {

    /**
     * Readings of one crop in batches of other sizes (a box's reading alone against the localizer path's
     * batch of every candidate box): float32 sums whose order depends on the batch on some CPUs (measured
     * up to 5e-7 in log P(S|x) on an AMD EPYC; 0 on the Xeon these tests were written on).
     */
    private static final double BATCH_TOLERANCE = 1e-5;

    @TempDir
    Path dir;

    /** An untrained localizer: its boxes are arbitrary but deterministic, which is all these tests need. */
    static Localizer untrained(long seed) {
        return new Localizer(LocalizerNetwork.build(32, seed, 1e-3),
                LocalizerMetadata.create(32, Map.of("source", "LocalizerTest", "seed", seed), Map.of("val_mean_iou", 0.5)));
    }

    private static List<Mat> photos(int count) {
        return TestData.generatedPhotos(77, count);
    }

    @Test
    void bundleCarriesTheLocalizerThroughSaveAndLoad() {
        List<Mat> photos = photos(4);
        ModelBundle bundle = TestBundles.tiny(3).withLocalizer(untrained(4));
        Path file = dir.resolve("with.bundle");
        bundle.save(file);
        ModelBundle loaded = ModelBundle.load(file);
        assertTrue(loaded.localizer().isPresent());
        assertEquals(bundle.localizer().get().metadata(), loaded.localizer().get().metadata());
        assertEquals(bundle.localizer().get().localize(photos), loaded.localizer().get().localize(photos));
        assertTrue(loaded.localizerSummary().contains("two passes"), loaded.localizerSummary());
        // Metadata changes (the evaluator storing thresholds) keep the localizer.
        assertTrue(loaded.withMetadata(loaded.metadata().withThresholds(Thresholds.NONE.with(TargetAccuracy.PAPER, 0.9))).localizer().isPresent());
    }

    @Test
    void widthMultipliesEveryLayersChannels() {
        // Counted by hand: 3x3 convs (in*9+1)*out, dense (4*4*c4+1)*d at a 64x64 input (four poolings: 4x4),
        // output (d+1)*4.
        for (int width : new int[] {1, 2}) {
            int[] c = {8 * width, 16 * width, 32 * width, 64 * width};
            int d = 128 * width;
            long expected = (3 * 9 + 1) * c[0] + (c[0] * 9 + 1) * c[1] + (c[1] * 9 + 1) * c[2] + (c[2] * 9 + 1) * c[3]
                    + (4L * 4 * c[3] + 1) * d + (d + 1) * BoxEncoding.VALUES;
            ComputationGraph built = LocalizerNetwork.build(64, width, 1, 1e-3);
            assertEquals(expected, built.numParams(), "width " + width);
            assertEquals(width, LocalizerNetwork.widthOf(built), "the width is read back from the network");
        }
        assertEquals(LocalizerNetwork.build(64, 1, 1e-3).params(), LocalizerNetwork.build(64, 1, 1, 1e-3).params());
        assertThrows(IllegalArgumentException.class, () -> LocalizerNetwork.build(64, 0, 1, 1e-3));
        assertThrows(IllegalArgumentException.class, () -> LocalizerNetwork.build(64, LocalizerNetwork.MAX_WIDTH + 1, 1, 1e-3));
    }

    @Test
    void bundleWithoutLocalizerReadsWholePhotosAsBefore() {
        ModelBundle plain = TestBundles.tiny(3);
        Path file = dir.resolve("plain.bundle");
        plain.save(file);
        ModelBundle loaded = ModelBundle.load(file);
        assertFalse(loaded.localizer().isPresent());
        assertTrue(loaded.localizerSummary().startsWith("no localizer"), loaded.localizerSummary());
        Mat photo = photos(1).get(0);
        Transcription t = new Transcriber(loaded).transcribe(List.of(photo), null).get(0);
        assertEquals(BoxSource.WHOLE_IMAGE, t.boxSource());
        assertEquals(new Box(0, 0, photo.cols(), photo.rows()), t.box());
        // Whole photo, not expanded: what the preprocessed path gives for the same input.
        float[] input = new float[new dev.streetnum.data.CropExpander(loaded.metadata().preprocess()).inputSize()];
        new dev.streetnum.data.CropExpander(loaded.metadata().preprocess()).preprocess(photo, null, null, input, 0);
        Transcription direct = new Transcriber(loaded).transcribe(
                org.nd4j.linalg.factory.Nd4j.create(input, new long[] {1, 3, 54, 54})).get(0);
        assertArrayEquals(direct.lengthProbabilities(), t.lengthProbabilities());
    }

    @Test
    void twoPassesEqualTranscribingThePredictedBoxByHand() {
        List<Mat> photos = photos(5);
        Localizer localizer = untrained(8);
        ModelBundle withLocalizer = TestBundles.tiny(3).withLocalizer(localizer);
        List<Box> predicted = localizer.localize(photos);
        List<Transcription> twoPass = new Transcriber(withLocalizer).transcribe(photos, Arrays.asList(new Box[5]));
        List<Transcription> byHand = new Transcriber(TestBundles.tiny(3)).transcribe(photos, predicted);
        for (int i = 0; i < photos.size(); i++) {
            assertEquals(BoxSource.LOCALIZED, twoPass.get(i).boxSource());
            assertEquals(predicted.get(i), twoPass.get(i).box());
            assertEquals(BoxSource.CALLER, byHand.get(i).boxSource());
            assertEquals(byHand.get(i).candidate(), twoPass.get(i).candidate());
            assertArrayEquals(byHand.get(i).lengthProbabilities(), twoPass.get(i).lengthProbabilities());
            assertEquals(byHand.get(i).logProbability(), twoPass.get(i).logProbability());
        }
    }

    @Test
    void aCallersBoxGivesTheSameAnswerWithOrWithoutALocalizer() {
        List<Mat> photos = photos(4);
        List<Box> boxes = List.of(new Box(2, 3, 20, 15), new Box(0, 0, 10, 10), new Box(-5, 4, 30, 30), new Box(7, 1, 9, 12));
        // One photo without a box in the same batch: the others must not change either.
        List<Box> mixed = new ArrayList<>(boxes);
        mixed.set(1, null);
        List<Transcription> plain = new Transcriber(TestBundles.tiny(3)).transcribe(photos, boxes);
        List<Transcription> localized = new Transcriber(TestBundles.tiny(3).withLocalizer(untrained(2)))
                .transcribe(photos, mixed);
        for (int i : new int[] {0, 2, 3}) {
            assertEquals(BoxSource.CALLER, localized.get(i).boxSource());
            assertEquals(boxes.get(i), localized.get(i).box());
            assertEquals(plain.get(i).candidate(), localized.get(i).candidate());
            assertArrayEquals(plain.get(i).lengthProbabilities(), localized.get(i).lengthProbabilities());
            assertArrayEquals(plain.get(i).digitProbabilities(), localized.get(i).digitProbabilities());
        }
        assertEquals(BoxSource.LOCALIZED, localized.get(1).boxSource());
    }

    @Test
    void severalLocalizersKeepTheMostProbableOfTheirReadings() {
        List<Mat> photos = photos(8);
        List<Localizer> pair = pairOfLocalizers();
        Localizer a = pair.get(0);
        Localizer b = pair.get(1);
        List<Box> boxesA = a.localize(photos);
        List<Box> boxesB = b.localize(photos);
        // By hand: each localizer's box read as a caller's box by a bundle with no localizer, the more probable kept.
        Transcriber plain = new Transcriber(TestBundles.tiny(3));
        List<Transcription> readA = plain.transcribe(photos, boxesA);
        List<Transcription> readB = plain.transcribe(photos, boxesB);
        // One photo comes with a caller's box: it is read there alone, whatever the localizers say.
        Box callers = new Box(3, 2, 20, 14);
        List<Box> regions = new ArrayList<>(Arrays.asList(new Box[photos.size()]));
        regions.set(2, callers);
        List<Transcription> got = new Transcriber(TestBundles.tiny(3).withLocalizers(List.of(a, b)))
                .transcribe(photos, regions);
        int fromB = 0;
        for (int i = 0; i < photos.size(); i++) {
            Transcription t = got.get(i);
            if (i == 2) {
                Transcription byCaller = plain.transcribe(List.of(photos.get(i)), List.of(callers)).get(0);
                assertEquals(BoxSource.CALLER, t.boxSource());
                assertEquals(callers, t.box());
                assertEquals(byCaller.logProbability(), t.logProbability());
                continue;
            }
            boolean bWins = readB.get(i).logProbability() > readA.get(i).logProbability();
            fromB += bWins ? 1 : 0;
            Transcription expected = bWins ? readB.get(i) : readA.get(i);
            assertEquals(BoxSource.LOCALIZED, t.boxSource());
            assertEquals(bWins ? boxesB.get(i) : boxesA.get(i), t.box(), "photo " + i);
            assertEquals(expected.candidate(), t.candidate());
            assertEquals(expected.logProbability(), t.logProbability(), BATCH_TOLERANCE, "photo " + i);
            for (int d = 0; d < expected.digitProbabilities().length; d++) {
                assertArrayEquals(expected.digitProbabilities()[d], t.digitProbabilities()[d], BATCH_TOLERANCE);
            }
            assertEquals(Math.max(readA.get(i).logProbability(), readB.get(i).logProbability()), t.logProbability(),
                    BATCH_TOLERANCE, "photo " + i);
            // Both boxes' own readings travel with the answer, in the localizers' order.
            assertEquals(2, t.boxReadings().size(), "photo " + i);
            assertBoxReading(boxesA.get(i), readA.get(i), t.boxReadings().get(0));
            assertBoxReading(boxesB.get(i), readB.get(i), t.boxReadings().get(1));
        }
        assertTrue(fromB > 0 && fromB < photos.size() - 1, "both localizers win somewhere (" + fromB + " of 7 from b)");
        assertTrue(got.get(2).boxReadings().isEmpty(), "a caller's box is the one region read");
        assertTrue(new Transcriber(TestBundles.tiny(3).withLocalizer(a)).transcribe(photos, null).stream()
                .allMatch(t -> t.boxReadings().isEmpty()), "one localizer: one region read, nothing to choose from");
    }

    private static void assertBoxReading(Box box, Transcription byHand, Transcription.BoxReading reading) {
        assertEquals(box, reading.box());
        assertEquals(byHand.candidate(), reading.candidate());
        assertEquals(byHand.transcribable(), reading.transcribable());
        assertEquals(byHand.logProbability(), reading.logProbability(), BATCH_TOLERANCE);
    }

    /**
     * With the candidate boxes combined as a mixture, a photo's answer is the string with the highest
     * mean over the boxes of P(S|x, box): checked against each box's reading through a plain bundle, by
     * the sequence likelihood itself (not the decoder's search), and the box given is one that reads it.
     */
    @Test
    void candidateBoxesCombinedAsAMixture() {
        List<Mat> photos = photos(8);
        List<Localizer> pair = pairOfLocalizers();
        Localizer a = pair.get(0);
        Localizer b = pair.get(1);
        List<Box> boxesA = a.localize(photos);
        List<Box> boxesB = b.localize(photos);
        // An untrained tiny network reads every crop alike; with its weights scaled up its heads are peaked
        // and differ from crop to crop, so the two boxes' readings can disagree.
        ModelBundle sharp = TestBundles.tiny(3);
        sharp.network().params().muli(3);
        Transcriber plain = new Transcriber(sharp);
        List<Transcription> readA = plain.transcribe(photos, boxesA);
        List<Transcription> readB = plain.transcribe(photos, boxesB);
        ModelBundle two = sharp.withLocalizers(List.of(a, b));
        List<Box> none = Arrays.asList(new Box[photos.size()]);
        List<Transcription> mixed = new Transcriber(two, new Dl4jEngine(two),
                ReadViews.CENTRE.withBoxes(ReadViews.Combine.MIXTURE)).transcribe(photos, none);
        int disagreeing = 0;
        for (int i = 0; i < photos.size(); i++) {
            double[][] headsA = readA.get(i).heads();
            double[][] headsB = readB.get(i).heads();
            Transcription t = mixed.get(i);
            assertEquals(mixture(headsA, headsB, t.candidate()), t.logProbability(), BATCH_TOLERANCE, "photo " + i);
            for (String rival : List.of(readA.get(i).candidate(), readB.get(i).candidate())) {
                double p = mixture(headsA, headsB, rival);
                assertTrue(t.logProbability() >= p - BATCH_TOLERANCE, "photo " + i + ": " + rival + " is more probable");
            }
            assertEquals(BoxSource.LOCALIZED, t.boxSource());
            boolean aReadsIt = readA.get(i).candidate().equals(t.candidate());
            boolean bReadsIt = readB.get(i).candidate().equals(t.candidate());
            if (aReadsIt != bReadsIt) {
                assertEquals(aReadsIt ? boxesA.get(i) : boxesB.get(i), t.box(), "photo " + i + ": the box that reads it");
            }
            disagreeing += readA.get(i).candidate().equals(readB.get(i).candidate()) ? 0 : 1;
        }
        assertTrue(disagreeing > 0, "the two boxes read differently somewhere, so the mixture is not trivial");
        for (int i = 0; i < photos.size(); i++) {
            assertBoxReading(boxesA.get(i), readA.get(i), mixed.get(i).boxReadings().get(0));
            assertBoxReading(boxesB.get(i), readB.get(i), mixed.get(i).boxReadings().get(1));
        }
        // MOST_CONFIDENT through withBoxes is the default rule; one localizer makes every rule the plain read.
        assertSameAnswers(new Transcriber(two).transcribe(photos, none), new Transcriber(two, new Dl4jEngine(two),
                ReadViews.CENTRE.withBoxes(ReadViews.Combine.MOST_CONFIDENT)).transcribe(photos, none));
        ModelBundle one = sharp.withLocalizer(a);
        assertSameAnswers(new Transcriber(one).transcribe(photos, none), new Transcriber(one, new Dl4jEngine(one),
                ReadViews.CENTRE.withBoxes(ReadViews.Combine.MIXTURE)).transcribe(photos, none));
    }

    /** Two untrained localizers whose boxes each give the more probable reading on some photos (4 of 8 for b). */
    private static List<Localizer> pairOfLocalizers() {
        return List.of(untrained(4), untrained(7).withMetadata(untrained(7).metadata().withRefineWindow(1.5)));
    }

    /** log of the mean over two boxes' heads of P(text | heads), by the sequence likelihood itself. */
    private static double mixture(double[][] headsA, double[][] headsB, String text) {
        return Math.log(0.5 * (Math.exp(SequenceLikelihood.logProbability(headsA, text))
                + Math.exp(SequenceLikelihood.logProbability(headsB, text))));
    }

    private static void assertSameAnswers(List<Transcription> expected, List<Transcription> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).candidate(), actual.get(i).candidate(), "photo " + i);
            assertEquals(expected.get(i).logProbability(), actual.get(i).logProbability(), "photo " + i);
            assertEquals(expected.get(i).box(), actual.get(i).box(), "photo " + i);
            assertEquals(expected.get(i).boxSource(), actual.get(i).boxSource(), "photo " + i);
        }
    }

    @Test
    void severalLocalizersTravelInTheBundleInOrder() throws IOException {
        List<Mat> photos = photos(3);
        Localizer a = untrained(4);
        Localizer b = untrained(12).withMetadata(untrained(12).metadata().withRefineWindow(1.5));
        Path file = dir.resolve("two.bundle");
        TestBundles.tiny(3).withLocalizers(List.of(a, b)).save(file);
        ModelBundle loaded = ModelBundle.load(file);
        assertEquals(2, loaded.localizers().size());
        assertEquals(a.metadata(), loaded.localizer().get().metadata(), "the first is the one to continue training");
        assertEquals(b.metadata(), loaded.localizers().get(1).metadata());
        assertEquals(b.localize(photos), loaded.localizers().get(1).localize(photos));
        assertTrue(loaded.localizerSummary().startsWith("2 localizers"), loaded.localizerSummary());
        assertTrue(loaded.attachment("localizer-2.json").isEmpty(), "a localizer is not an attachment");
        try (ZipFile zip = new ZipFile(file.toFile())) {
            assertTrue(zip.getEntry("localizer-2.json") != null && zip.getEntry("localizer-2.zip") != null);
        }
        assertThrows(IllegalArgumentException.class, () -> loaded.withAttachment("localizer-2.zip", new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> TestBundles.tiny(3)
                .withLocalizers(java.util.Collections.nCopies(ModelBundle.MAX_LOCALIZERS + 1, a)));
        assertTrue(loaded.withLocalizers(List.of()).localizer().isEmpty());

        // Half of the second localizer: the missing entry is named.
        Path gap = copyEditing(file, "gap.bundle", "localizer-2.json", bytes -> null);
        DataException e = assertThrows(DataException.class, () -> ModelBundle.load(gap));
        assertTrue(e.getMessage().contains("localizer-2.json"), e.getMessage());
    }

    @Test
    void localizedBoxesLieInsideThePhoto() {
        Localizer localizer = untrained(6);
        try (Mat wide = new Mat(40, 300, CV_8UC3, Scalar.all(90)); Mat tall = new Mat(200, 30, CV_8UC3, Scalar.all(200))) {
            List<Box> boxes = localizer.localize(List.of(wide, tall));
            assertTrue(boxes.get(0).left() >= 0 && boxes.get(0).right() <= 300 && boxes.get(0).bottom() <= 40, "" + boxes);
            assertTrue(boxes.get(1).left() >= 0 && boxes.get(1).right() <= 30 && boxes.get(1).bottom() <= 200, "" + boxes);
        }
    }

    @Test
    void halfALocalizerIsAClearError() throws IOException {
        Path whole = dir.resolve("whole.bundle");
        TestBundles.tiny(3).withLocalizer(untrained(1)).save(whole);
        Path half = copyEditing(whole, "half.bundle", ModelBundle.LOCALIZER_NETWORK_ENTRY, bytes -> null);
        DataException e = assertThrows(DataException.class, () -> ModelBundle.load(half));
        assertTrue(e.getMessage().contains(ModelBundle.LOCALIZER_NETWORK_ENTRY), e.getMessage());
    }

    /** A copy of a bundle with one entry's bytes edited; an edit giving null leaves the entry out. */
    private Path copyEditing(Path bundle, String name, String entryName, UnaryOperator<byte[]> edit) throws IOException {
        Path copy = dir.resolve(name);
        try (ZipFile in = new ZipFile(bundle.toFile()); OutputStream out = Files.newOutputStream(copy);
             ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Enumeration<? extends ZipEntry> e = in.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                byte[] bytes;
                try (InputStream data = in.getInputStream(entry)) {
                    bytes = data.readAllBytes();
                }
                if (entry.getName().equals(entryName)) {
                    bytes = edit.apply(bytes);
                }
                if (bytes != null) {
                    zip.putNextEntry(new ZipEntry(entry.getName()));
                    zip.write(bytes);
                    zip.closeEntry();
                }
            }
        }
        return copy;
    }

    @Test
    void aRefinedBoxIsTheFirstPassRepeatedInAWindowAroundTheFirstBox() {
        List<Mat> photos = photos(6);
        Localizer onePass = untrained(9);
        Localizer refined = onePass.withMetadata(onePass.metadata().withRefineWindow(1.5));
        List<Box> first = onePass.localize(photos);
        List<Box> got = refined.localize(photos);
        for (int i = 0; i < photos.size(); i++) {
            Mat photo = photos.get(i);
            Box f = first.get(i);
            // The window by hand: the first box's centre, 1.5 times its sides, rounded to whole pixels.
            int w = (int) Math.round(f.width() * 1.5);
            int h = (int) Math.round(f.height() * 1.5);
            int left = (int) Math.round(f.left() + f.width() / 2.0 - w / 2.0);
            int top = (int) Math.round(f.top() + f.height() / 2.0 - h / 2.0);
            Box inWindow;
            try (Mat view = dev.streetnum.data.CropExpander.cutReplicating(photo, new Box(left, top, w, h))) {
                inWindow = onePass.localize(List.of(view)).get(0);
            }
            int x0 = Math.max(0, left + inWindow.left());
            int y0 = Math.max(0, top + inWindow.top());
            int x1 = Math.min(photo.cols(), left + inWindow.right());
            int y1 = Math.min(photo.rows(), top + inWindow.bottom());
            Box expected = x1 > x0 && y1 > y0 ? new Box(x0, y0, x1 - x0, y1 - y0) : f;
            assertEquals(expected, got.get(i), "photo " + i + ", first box " + f);
        }
    }

    @Test
    void aSecondBoxWhollyInTheReplicatedBorderKeepsTheFirst() {
        // A localizer that says "the bottom-right tenth" of whatever it sees: its output layer ignores its input.
        ComputationGraph network = LocalizerNetwork.build(32, 5, 1e-3);
        network.getLayer(LocalizerNetwork.OUTPUT).getParam("W").assign(0);
        network.getLayer(LocalizerNetwork.OUTPUT).getParam("b")
                .assign(Nd4j.createFromArray(0.95f, 0.95f, (float) Math.log(0.1), (float) Math.log(0.1)).reshape(1, 4));
        Localizer onePass = new Localizer(network,
                LocalizerMetadata.create(32, Map.of("source", "LocalizerTest"), Map.of("val_mean_iou", 0.5)));
        Localizer refined = onePass.withMetadata(onePass.metadata().withRefineWindow(1.5));
        try (Mat photo = new Mat(100, 200, CV_8UC3, new Scalar(90, 120, 150, 0))) {
            Box first = onePass.localize(List.of(photo)).get(0);
            assertEquals(new Box(180, 90, 20, 10), first, "the bottom-right tenth, centred at (0.95, 0.95)");
            // The window 1.5 times that box reaches 5 px past the right edge and past the bottom; the second
            // pass's bottom-right tenth of that window starts 2 px right of the photo: wholly in the border.
            Box window = first.scaled(1.5);
            assertTrue(window.right() > photo.cols() && window.bottom() > photo.rows(), "window " + window);
            assertEquals(first, refined.localize(List.of(photo)).get(0));
        }
    }

    @Test
    void theRefineWindowTravelsInTheBundleAndOlderBundlesReadOnePass() throws IOException {
        Localizer onePass = untrained(5);
        Localizer refined = onePass.withMetadata(onePass.metadata().withRefineWindow(1.5));
        Path file = dir.resolve("refined.bundle");
        TestBundles.tiny(3).withLocalizer(refined).save(file);
        ModelBundle loaded = ModelBundle.load(file);
        assertEquals(1.5, loaded.localizer().get().metadata().refineWindow());
        assertTrue(loaded.localizerSummary().contains("window 1.5 times"), loaded.localizerSummary());
        List<Mat> photos = photos(3);
        assertEquals(refined.localize(photos), loaded.localizer().get().localize(photos));

        // A bundle written before the field existed: its localizer.json has no refineWindow.
        Path older = copyEditing(file, "older.bundle", ModelBundle.LOCALIZER_METADATA_ENTRY, bytes ->
                new String(bytes, java.nio.charset.StandardCharsets.UTF_8).replaceAll(",?\\s*\"refineWindow\"\\s*:\\s*[0-9.]+", "")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Localizer old = ModelBundle.load(older).localizer().get();
        assertEquals(0, old.metadata().refineWindow());
        assertEquals(onePass.localize(photos), old.localize(photos));
    }

    @Test
    void aWideInputTravelsInTheBundleAndASquareOneReadsAsBefore() throws IOException {
        // A square input is the transcriber's path with no expansion and no crop, bit for bit (the
        // localizers trained before wide inputs existed read exactly as they did).
        Mat photo = photos(1).get(0);
        float[] square = new float[new LocalizerInput(32, 32).size()];
        new LocalizerInput(32, 32).write(photo, square, 0);
        dev.streetnum.data.CropExpander wholePhoto =
                new dev.streetnum.data.CropExpander(new dev.streetnum.data.PreprocessConfig(0, 32, 32));
        float[] before = new float[wholePhoto.inputSize()];
        wholePhoto.preprocess(photo, null, null, before, 0);
        assertArrayEquals(before, square);

        // 64 wide, 32 high: each channel is the photo stretched to 64x32, less its own mean, over 128.
        LocalizerInput wide = new LocalizerInput(64, 32);
        float[] input = new float[wide.size()];
        wide.write(photo, input, 0);
        try (Mat stretched = new Mat()) {
            org.bytedeco.opencv.global.opencv_imgproc.resize(photo, stretched, new org.bytedeco.opencv.opencv_core.Size(64, 32),
                    0, 0, org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA);
            org.bytedeco.javacpp.indexer.UByteIndexer pixels = stretched.createIndexer();
            for (int c = 0; c < 3; c++) {
                double mean = 0;
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 64; x++) {
                        mean += pixels.get(y, x, 2 - c) / (64.0 * 32);
                    }
                }
                for (int y = 0; y < 32; y += 7) {
                    for (int x = 0; x < 64; x += 9) {
                        assertEquals((pixels.get(y, x, 2 - c) - mean) / 128, input[c * 64 * 32 + y * 64 + x], 1e-4,
                                "channel " + c + " at " + x + "," + y);
                    }
                }
            }
        }

        Localizer localizer = new Localizer(LocalizerNetwork.build(wide, 1, LocalizerNetwork.Loss.L2, 6, 1e-3),
                LocalizerMetadata.create(wide, Map.of(), Map.of()));
        assertEquals(wide, localizer.metadata().input());
        Path file = dir.resolve("wide.bundle");
        TestBundles.tiny(3).withLocalizer(localizer).save(file);
        ModelBundle loaded = ModelBundle.load(file);
        assertEquals(wide, loaded.localizer().get().metadata().input());
        assertTrue(loaded.localizerSummary().startsWith("localizer: 64x32 input"), loaded.localizerSummary());
        List<Mat> some = photos(3);
        assertEquals(localizer.localize(some), loaded.localizer().get().localize(some));

        // A bundle written before the field existed: its localizer.json has no inputWidth, and its input is square.
        Path squareFile = dir.resolve("square.bundle");
        TestBundles.tiny(3).withLocalizer(untrained(2)).save(squareFile);
        Path older = copyEditing(squareFile, "older-square.bundle", ModelBundle.LOCALIZER_METADATA_ENTRY, bytes -> {
            String json = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
            String without = json.replaceAll(",?\\s*\"inputWidth\"\\s*:\\s*[0-9]+", "");
            assertTrue(json.contains("\"inputWidth\"") && !without.contains("inputWidth"), without);
            return without.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        });
        assertEquals(new LocalizerInput(32, 32), ModelBundle.load(older).localizer().get().metadata().input());
        assertThrows(IllegalArgumentException.class, () -> new LocalizerInput(64, 40));
    }

    @Test
    void aRefineWindowOutsideItsRangeIsRefusedWithASentence() {
        LocalizerMetadata m = untrained(1).metadata();
        for (double bad : new double[] {-1, 0.5, 1, LocalizerMetadata.MAX_REFINE_WINDOW + 0.1, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.withRefineWindow(bad));
            assertTrue(e.getMessage().contains("refine window"), e.getMessage());
        }
        assertEquals(2.0, m.withRefineWindow(2).refineWindow());
        assertEquals(0, m.withRefineWindow(0).refineWindow());
    }

    @Test
    void preprocessedInputHasNoBox() {
        Transcription t = new Transcriber(TestBundles.tiny(3)).transcribe(
                org.nd4j.linalg.factory.Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 3, 54, 54)).get(0);
        assertNull(t.box());
        assertNull(t.boxSource());
    }
}
