package dev.streetnum.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.Box;
import dev.streetnum.data.PreprocessConfig;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ensembles: one model is the plain read bit for bit; two average each head over the models (and the
 * views) as computed here from the networks' raw outputs; models that preprocess apart are refused; a
 * bundle joined from several reads, after saving and loading, as they do together.
 */
class EnsembleTest {

    private static TestPhotos photos;

    @BeforeAll
    static void photos() {
        photos = TestPhotos.generated(37, 3);
    }

    @AfterAll
    static void close() {
        photos.close();
    }

    @Test
    void anEnsembleOfOneModelIsThePlainReadExactly() {
        ModelBundle bundle = TestBundles.tiny(5);
        Ensemble one = Ensemble.of(bundle, new Dl4jEngine(bundle));
        ReadChecks.assertSameAnswers(photos.readBy(new Transcriber(bundle)),
                photos.readBy(new Transcriber(one, ReadViews.CENTRE)));
        ReadViews three = ReadViews.standard(3);
        ReadChecks.assertSameAnswers(photos.readBy(new Transcriber(bundle, new Dl4jEngine(bundle), three)),
                photos.readBy(new Transcriber(one, three)));
        assertEquals(bundle.metadata().modelId(), one.modelId());

        // The same network twice: the mean of equal probabilities is those probabilities, exactly.
        Ensemble twice = new Ensemble(List.of(new Ensemble.Member(bundle, new Dl4jEngine(bundle)),
                new Ensemble.Member(bundle, new Dl4jEngine(bundle))));
        ReadChecks.assertSameAnswers(photos.readBy(new Transcriber(bundle)),
                photos.readBy(new Transcriber(twice, ReadViews.CENTRE)));
    }

    @Test
    void twoModelsAverageEachHeadOverTheModelsAndViewsBeforeDecoding() {
        List<ModelBundle> bundles = List.of(TestBundles.tiny(5), TestBundles.tiny(6));
        Ensemble pair = ensemble(bundles);
        assertEquals("tiny-test-5 + tiny-test-6", pair.modelId());
        for (ReadViews views : List.of(ReadViews.CENTRE, ReadViews.standard(3))) {
            List<Transcription> answers = photos.readBy(new Transcriber(pair, views));
            for (int i = 0; i < photos.size(); i++) {
                double[][] mean = ReadChecks.meanByHand(bundles, photos.photo(i), photos.box(i), views);
                Transcription t = answers.get(i);
                String where = views.count() + " views, photo " + i;
                assertEquals(SequenceDecoder.decode(mean).candidate(), t.candidate(), where);
                assertEquals(SequenceLikelihood.logProbability(mean, t.candidate()), t.logProbability(), 1e-6, where);
                assertArrayEquals(mean[0], t.lengthProbabilities(), 1e-6, where);
            }
        }
    }

    @Test
    void mostConfidentAveragesEachViewOverTheModelsThenKeepsTheSurest() {
        List<ModelBundle> bundles = List.of(TestBundles.tiny(5), TestBundles.tiny(6));
        ReadViews views = ReadViews.standard(3, ReadViews.Combine.MOST_CONFIDENT);
        List<Transcription> answers = photos.readBy(new Transcriber(ensemble(bundles), views));
        for (int i = 0; i < photos.size(); i++) {
            int photo = i;
            Transcription best = ReadChecks.surest(views.views().stream().map(view -> SequenceDecoder.decode(
                    ReadChecks.meanByHand(bundles, photos.photo(photo), photos.box(photo),
                            new ReadViews(List.of(view), ReadViews.Combine.MEAN)))).toList());
            assertEquals(best.candidate(), answers.get(i).candidate(), "photo " + i);
            assertEquals(best.logProbability(), answers.get(i).logProbability(), 1e-6, "photo " + i);
        }
    }

    @Test
    void withoutABoxTheFirstModelsLocalizerFindsTheBoxEveryModelReads() {
        ModelBundle lead = TestBundles.tiny(5).withLocalizer(localizer(3));
        ModelBundle other = TestBundles.tiny(6).withLocalizer(localizer(4));
        Ensemble pair = ensemble(List.of(lead, other));
        List<Box> none = Collections.nCopies(photos.size(), null);
        Transcriber transcriber = new Transcriber(pair, ReadViews.CENTRE);
        List<Transcription> answers = transcriber.transcribe(photos.photos(), none);
        List<Box> found = lead.localizer().orElseThrow().localize(photos.photos());
        List<Transcription> given = transcriber.transcribe(photos.photos(), found);
        for (int i = 0; i < photos.size(); i++) {
            assertEquals(found.get(i), answers.get(i).box(), "photo " + i);
            assertEquals(BoxSource.LOCALIZED, answers.get(i).boxSource(), "photo " + i);
            assertEquals(given.get(i).candidate(), answers.get(i).candidate(), "photo " + i);
            assertEquals(given.get(i).logProbability(), answers.get(i).logProbability(), 0.0, "photo " + i);
        }
    }

    @Test
    void modelsThatPreprocessApartAreRefused() {
        ModelBundle standard = TestBundles.tiny(5);
        ModelBundle looser = new ModelBundle(StreetNumberNetwork.build(Preset.TINY, NetworkOptions.seeded(2)),
                BundleMetadata.create("looser", Preset.TINY, new PreprocessConfig(0.20, 64, 54), Map.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ensemble(List.of(standard, looser)));
        assertTrue(e.getMessage().startsWith("models read together must preprocess alike")
                && e.getMessage().contains("tiny-test-5") && e.getMessage().contains("looser")
                && e.getMessage().contains("expansion=0.2"), e.getMessage());

        BundleMetadata m = standard.metadata();
        ModelBundle otherNormalisation = new ModelBundle(standard.network(), new BundleMetadata(m.formatVersion(),
                "scaled", m.preset(), m.preprocess(), "global-mean", m.thresholds(), m.provenance(), m.metrics(),
                m.softwareVersion(), null, null, null, null));
        e = assertThrows(IllegalArgumentException.class, () -> ensemble(List.of(standard, otherNormalisation)));
        assertTrue(e.getMessage().contains("global-mean"), e.getMessage());
    }

    @Test
    void aJoinedBundleReadsAsItsMembersDoTogetherAfterSavingAndLoading(@TempDir Path dir) {
        ModelBundle lead = TestBundles.tiny(5).withLocalizer(localizer(3)).withAttachment("int8.onnx", new byte[] {1, 2});
        lead = lead.withMetadata(lead.metadata().withThresholds(
                Thresholds.fromKeys(Map.of("0.98", 0.7, "no-box 0.98", 0.9), "val", "val")));
        ModelBundle other = TestBundles.tiny(6).withLocalizer(localizer(4));
        Path file = dir.resolve("pair.bundle");
        Ensemble.join(List.of(lead, other), "pair").save(file);
        ModelBundle joined = ModelBundle.load(file);

        // What the bundle holds: the lead's network and localizer, the other's network and metadata alone.
        assertEquals("pair", joined.metadata().modelId());
        assertEquals(1, joined.partners().size());
        assertEquals("tiny-test-6", joined.partners().get(0).metadata().modelId());
        assertEquals(other.network().params(), joined.partners().get(0).network().params());
        assertTrue(joined.partners().get(0).localizers().isEmpty());
        assertEquals(lead.network().params(), joined.network().params());
        assertEquals(1, joined.localizers().size());
        // The lead's thresholds, metrics and int8 model were its network's alone.
        assertEquals(Map.of(), joined.metadata().thresholds().byKey());
        assertTrue(joined.attachment("int8.onnx").isEmpty());
        assertTrue(!joined.metadata().provenance().containsKey(BundleMetadata.THRESHOLDS_CALIBRATED_ON));
        assertEquals(List.of("tiny-test-5", "tiny-test-6"), joined.metadata().provenance().get(Ensemble.ENSEMBLE_OF));

        // Read as one model, it answers as the two read together by hand, with a box and without one.
        Transcriber asOne = new Transcriber(joined);
        assertEquals("pair", asOne.models().modelId());
        assertEquals(2, asOne.models().size());
        Transcriber byHand = new Transcriber(ensemble(List.of(lead, other)), ReadViews.CENTRE);
        ReadChecks.assertSameAnswers(photos.readBy(byHand), photos.readBy(asOne));
        List<Box> none = Collections.nCopies(photos.size(), null);
        ReadChecks.assertSameAnswers(byHand.transcribe(photos.photos(), none), asOne.transcribe(photos.photos(), none));

        // Its thresholds are calibrated on the ensemble's readings and kept with the partners.
        ModelBundle calibrated = joined.withMetadata(joined.metadata().withThresholds(
                Thresholds.NONE.with(TargetAccuracy.PAPER, 0.8)));
        calibrated.save(file);
        ModelBundle reloaded = ModelBundle.load(file);
        assertEquals(1, reloaded.partners().size());
        assertEquals(0.8, Ensemble.onDl4j(reloaded).thresholds().at(TargetAccuracy.PAPER).getAsDouble());
    }

    @Test
    void aJoinedBundleNeedsAnEngineForEachNetworkAndJoinsOnlyPlainBundles() {
        ModelBundle joined = Ensemble.join(List.of(TestBundles.tiny(5), TestBundles.tiny(6)), "pair");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ensemble.of(joined, new Dl4jEngine(joined)));
        assertTrue(e.getMessage().contains("pair reads with 2 networks"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Ensemble.join(List.of(joined, TestBundles.tiny(7)), "three"));
        assertTrue(e.getMessage().contains("pair already reads with partners"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Ensemble.join(List.of(TestBundles.tiny(5)), "one"));
        assertTrue(e.getMessage().contains("at least two"), e.getMessage());
        List<ModelBundle> tooMany = java.util.stream.LongStream.range(1, ModelBundle.MAX_MEMBERS + 2)
                .mapToObj(TestBundles::tiny).toList();
        e = assertThrows(IllegalArgumentException.class, () -> Ensemble.join(tooMany, "too-many", 1, null));
        assertTrue(e.getMessage().contains("at most " + ModelBundle.MAX_MEMBERS + " networks"), e.getMessage());
    }

    @Test
    void aCallersBoxIsReadByEveryNetworkAndAPhotoWithoutOneByTheNoBoxMembers(@TempDir Path dir) throws Exception {
        ModelBundle lead = TestBundles.tiny(5).withLocalizer(localizer(3));
        ModelBundle second = TestBundles.tiny(6);
        ModelBundle third = TestBundles.tiny(7);
        Path file = dir.resolve("paths.bundle");
        Ensemble.join(List.of(lead, second, third), "paths", 2, null).save(file);
        ModelBundle joined = ModelBundle.load(file);
        assertEquals(2, joined.readingPaths().noBoxMembers());
        assertEquals(3, joined.members().size());
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(file.toFile())) {
            String metadata = new String(zip.getInputStream(zip.getEntry("metadata.json")).readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
            String partner = new String(zip.getInputStream(zip.getEntry("member-2.json")).readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(metadata.contains("\"noBoxMembers\" : 2"), metadata);
            assertTrue(!partner.contains("noBoxMembers"), "a bundle that says nothing stores nothing: " + partner);
        }

        Transcriber asOne = new Transcriber(joined);
        assertEquals(2, asOne.models().noBoxReaders().size());
        // The loaded networks read by hand: all three together, and the first two. (Each comparison reads
        // batches of the same photos: a network's float sums may round apart in batches of other sizes.)
        List<ModelBundle> loaded = joined.members();
        Transcriber allThree = new Transcriber(ensemble(loaded), ReadViews.CENTRE);
        Transcriber firstTwo = new Transcriber(ensemble(loaded.subList(0, 2)), ReadViews.CENTRE);
        int boxed = photos.size() - 1;  // TestPhotos: every photo but the last has its box
        List<org.bytedeco.opencv.opencv_core.Mat> withBoxes = photos.photos().subList(0, boxed);
        List<Box> boxes = photos.boxes().subList(0, boxed);
        List<Transcription> givenBox = asOne.transcribe(withBoxes, boxes);
        ReadChecks.assertSameAnswers(allThree.transcribe(withBoxes, boxes), givenBox);
        List<Box> none = Collections.nCopies(photos.size(), null);
        List<Transcription> withoutBox = asOne.transcribe(photos.photos(), none);
        ReadChecks.assertSameAnswers(firstTwo.transcribe(photos.photos(), none), withoutBox);
        List<Transcription> byAllThree = allThree.transcribe(photos.photos(), none);
        boolean differs = false;
        for (int i = 0; i < photos.size(); i++) {
            differs |= byAllThree.get(i).logProbability() != withoutBox.get(i).logProbability();
        }
        assertTrue(differs, "the third network changes the readings it takes part in");

        // In one batch (boxes given, and the last photo without one), each photo on its own path.
        List<Transcription> together = photos.readBy(asOne);
        List<Transcription> apart = new java.util.ArrayList<>(givenBox);
        apart.addAll(asOne.transcribe(photos.photos().subList(boxed, photos.size()), Collections.nCopies(1, null)));
        ReadChecks.assertSameAnswers(apart, together);
    }

    /**
     * R48: a network may read only photos sent without a box (the first, before the box members): a caller's
     * box, given to transcribe or cut by the service, is read by the last networks alone, a photo without a
     * box by the first ones alone, and one batch of both keeps each on its path.
     */
    @Test
    void aNetworkMayReadOnlyPhotosSentWithoutABox(@TempDir Path dir) throws Exception {
        ModelBundle lead = TestBundles.tiny(5).withLocalizer(localizer(3));
        Path file = dir.resolve("paths.bundle");
        Ensemble.join(List.of(lead, TestBundles.tiny(6), TestBundles.tiny(7)), "paths", 2, 2).save(file);
        ModelBundle joined = ModelBundle.load(file);
        assertEquals(2, joined.readingPaths().noBoxMembers());
        assertEquals(2, joined.readingPaths().boxMembers());
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(file.toFile())) {
            String metadata = new String(zip.getInputStream(zip.getEntry("metadata.json")).readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(metadata.contains("\"boxMembers\" : 2"), metadata);
        }
        Transcriber asOne = new Transcriber(joined);
        List<ModelBundle> loaded = joined.members();
        assertEquals(loaded.subList(1, 3), asOne.models().boxReaders().stream().map(Ensemble.Member::bundle).toList());
        Transcriber firstTwo = new Transcriber(ensemble(loaded.subList(0, 2)), ReadViews.CENTRE);
        Transcriber lastTwo = new Transcriber(ensemble(loaded.subList(1, 3)), ReadViews.CENTRE);
        Transcriber allThree = new Transcriber(ensemble(loaded), ReadViews.CENTRE);
        int boxed = photos.size() - 1;
        List<org.bytedeco.opencv.opencv_core.Mat> withBoxes = photos.photos().subList(0, boxed);
        List<Box> boxes = photos.boxes().subList(0, boxed);

        List<Transcription> givenBox = asOne.transcribe(withBoxes, boxes);
        ReadChecks.assertSameAnswers(lastTwo.transcribe(withBoxes, boxes), givenBox);
        dev.streetnum.data.CropExpander expander = new dev.streetnum.data.CropExpander(joined.metadata().preprocess());
        List<org.bytedeco.opencv.opencv_core.Mat> crops = new java.util.ArrayList<>();
        for (int i = 0; i < boxed; i++) {
            crops.add(expander.expandedCrop(withBoxes.get(i), boxes.get(i)));
        }
        ReadChecks.assertSameAnswers(givenBox, asOne.transcribeCrops(crops, boxes));
        List<Transcription> byAllThree = allThree.transcribe(withBoxes, boxes);
        boolean differs = false;
        for (int i = 0; i < boxed; i++) {
            differs |= byAllThree.get(i).logProbability() != givenBox.get(i).logProbability();
        }
        assertTrue(differs, "the first network would change the readings of a caller's box");

        List<Box> none = Collections.nCopies(photos.size(), null);
        List<Transcription> withoutBox = asOne.transcribe(photos.photos(), none);
        ReadChecks.assertSameAnswers(firstTwo.transcribe(photos.photos(), none), withoutBox);

        // A given box read as if the localizer had found it: by the no-box networks, sourced as theirs.
        List<Transcription> byTheFirstTwo = firstTwo.transcribe(withBoxes, boxes);
        List<Transcription> found = new java.util.ArrayList<>();
        for (int i = 0; i < boxed; i++) {
            found.add(byTheFirstTwo.get(i).withBox(boxes.get(i), BoxSource.LOCALIZED));
        }
        ReadChecks.assertSameAnswers(found, asOne.transcribeAsFound(withBoxes, boxes));

        List<Transcription> apart = new java.util.ArrayList<>(givenBox);
        apart.addAll(asOne.transcribe(photos.photos().subList(boxed, photos.size()), Collections.nCopies(1, null)));
        ReadChecks.assertSameAnswers(apart, photos.readBy(asOne));
    }

    @Test
    void everyNetworkReadsOnOnePathOrBoth() {
        List<ModelBundle> three = java.util.stream.LongStream.range(5, 8).mapToObj(TestBundles::tiny).toList();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ensemble.join(three, "t", 1, 1));
        assertEquals("model t reads a photo sent without a box with its first 1 network and a caller's box with its"
                + " last 1, so 1 of its 3 networks would read nothing", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Ensemble.join(three, "t", null, 4));
        assertEquals("model t reads a caller's box with its last 4 networks, but it has 3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Ensemble.join(three, "t", null, 0));
        assertEquals("model t reads a caller's box with 0 networks, but at least 1 of its 3 networks must read there",
                e.getMessage());
        assertEquals(1, Ensemble.join(three, "t", 2, 1).readingPaths().boxMembers());
        assertEquals(3, Ensemble.join(three, "t", 2, null).readingPaths().boxMembers());

        List<Ensemble.Member> members = three.stream().map(b -> new Ensemble.Member(b, new Dl4jEngine(b))).toList();
        e = assertThrows(IllegalArgumentException.class, () -> new Ensemble(members, 1, 1));
        assertEquals("an ensemble reads a photo sent without a box with its first 1 network and a caller's box with"
                + " its last 1, so 1 of its 3 networks would read nothing", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Ensemble(members, 3, 0));
        assertThrows(IllegalArgumentException.class, () -> new Ensemble(members, 3, 4));
        Ensemble split = new Ensemble(members, 2, 2);
        assertEquals(members.subList(1, 3), split.boxReaders());
        assertEquals(members.subList(0, 2), split.noBoxReaders());
        assertTrue(!split.paths().alike());
        assertTrue(new Ensemble(members).paths().alike());
    }

    @Test
    void theNoBoxMembersAreBetweenOneAndTheNetworksAndAtMostFour() {
        List<ModelBundle> three = java.util.stream.LongStream.range(5, 8).mapToObj(TestBundles::tiny).toList();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ensemble.join(three, "t", 4, null));
        assertEquals("model t reads a photo sent without a box with its first 4 networks, but it has 3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Ensemble.join(three, "t", 0, null));
        assertEquals("model t reads a photo sent without a box with 0 networks, but at least 1 of its 3 networks must"
                + " read there", e.getMessage());

        List<ModelBundle> five = java.util.stream.LongStream.range(1, 6).mapToObj(TestBundles::tiny).toList();
        e = assertThrows(IllegalArgumentException.class, () -> Ensemble.join(five, "five"));
        assertTrue(e.getMessage().startsWith("at most " + ModelBundle.MAX_NO_BOX_MEMBERS + " networks read a photo"
                + " sent without a box") && e.getMessage().contains("all 5 of its networks")
                && e.getMessage().contains("--no-box-members"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Ensemble.join(five, "five", 5, null));
        assertTrue(e.getMessage().contains("reads one with 5"), e.getMessage());
        assertEquals(4, Ensemble.join(five, "five", 4, null).readingPaths().noBoxMembers());

        List<Ensemble.Member> members = three.stream().map(b -> new Ensemble.Member(b, new Dl4jEngine(b))).toList();
        e = assertThrows(IllegalArgumentException.class, () -> new Ensemble(members, 0, 3));
        assertEquals("an ensemble reads a photo sent without a box with 0 networks, but at least 1 of its 3 networks"
                + " must read there", e.getMessage());
        assertEquals(3, new Ensemble(members).paths().noBoxMembers());
    }

    @Test
    void theEnsembleCommandWritesTheJoinedBundleAndSaysToCalibrateIt(@TempDir Path dir) {
        Path a = dir.resolve("a.bundle");
        Path b = dir.resolve("b.bundle");
        TestBundles.tiny(5).withLocalizer(localizer(3)).save(a);
        TestBundles.tiny(6).save(b);
        Path out = dir.resolve("ab.bundle");
        java.io.StringWriter stdout = new java.io.StringWriter();
        picocli.CommandLine cli = new picocli.CommandLine(new EnsembleCommand());
        cli.setOut(new java.io.PrintWriter(stdout));
        assertEquals(0, cli.execute("--model", a.toString(), "--model", b.toString(), "--out", out.toString()));
        ModelBundle joined = ModelBundle.load(out);
        assertEquals("tiny-test-5-ens2", joined.metadata().modelId());
        assertEquals(List.of("tiny-test-6"), joined.partners().stream().map(p -> p.metadata().modelId()).toList());
        assertEquals(1, joined.localizers().size());
        assertEquals(2, joined.readingPaths().noBoxMembers());
        assertTrue(stdout.toString().contains("tiny-test-5 + tiny-test-6")
                && stdout.toString().contains("It has no thresholds yet: streetnum evaluate --model " + out), stdout.toString());

        Path c = dir.resolve("c.bundle");
        TestBundles.tiny(7).save(c);
        Path abc = dir.resolve("abc.bundle");
        stdout.getBuffer().setLength(0);
        assertEquals(0, cli.execute("--model", a.toString(), "--model", b.toString(), "--model", c.toString(),
                "--no-box-members", "2", "--out", abc.toString()));
        assertEquals(2, ModelBundle.load(abc).readingPaths().noBoxMembers());
        assertTrue(stdout.toString().contains("; every network reads a caller's box and the first 2 a photo sent"
                + " without one."), stdout.toString());

        stdout.getBuffer().setLength(0);
        assertEquals(0, cli.execute("--model", a.toString(), "--model", b.toString(), "--model", c.toString(),
                "--no-box-members", "2", "--box-members", "2", "--out", abc.toString()));
        assertEquals(2, ModelBundle.load(abc).readingPaths().boxMembers());
        assertTrue(stdout.toString().contains("; the last 2 networks read a caller's box and the first 2 a photo"
                + " sent without one."), stdout.toString());
        assertEquals(null, ModelBundle.load(abc).metadata().boxScore(), "joined without --box-score, none stored");

        stdout.getBuffer().setLength(0);
        assertEquals(0, cli.execute("--model", a.toString(), "--model", b.toString(), "--box-score", "agreement",
                "--out", abc.toString()));
        assertEquals(EnsembleScore.AGREEMENT, ModelBundle.load(abc).readingPaths().boxScore());
        assertTrue(stdout.toString().contains("scored by the networks' agreement"), stdout.toString());
        java.io.StringWriter stderr = new java.io.StringWriter();
        cli.setErr(new java.io.PrintWriter(stderr));
        assertEquals(2, cli.execute("--model", a.toString(), "--model", b.toString(), "--box-score", "product",
                "--out", abc.toString()));
        assertTrue(stderr.toString().contains("unknown ensemble score 'product': one of [mean-heads, agreement]"),
                stderr.toString());
    }

    @Test
    void splittingAJoinedBundleGivesBackItsNetworksAndJoiningThemAgainReadsAsItDid(@TempDir Path dir) {
        ModelBundle lead = TestBundles.tiny(5).withLocalizer(localizer(3));
        ModelBundle second = TestBundles.tiny(6);
        second = second.withMetadata(second.metadata().withThresholds(Thresholds.fromKeys(Map.of("0.98", 0.6), "val", null)));
        ModelBundle joined = Ensemble.join(List.of(lead, second, TestBundles.tiny(7)), "three");
        joined = joined.withMetadata(joined.metadata().withThresholds(Thresholds.NONE.with(TargetAccuracy.PAPER, 0.8)))
                .withAttachment("int8.onnx", new byte[] {1});

        List<ModelBundle> networks = Ensemble.split(joined);
        assertEquals(List.of("tiny-test-5", "tiny-test-6", "tiny-test-7"),
                networks.stream().map(b -> b.metadata().modelId()).toList());
        assertEquals(lead.network().params(), networks.get(0).network().params());
        assertEquals(second.network().params(), networks.get(1).network().params());
        assertEquals(1, networks.get(0).localizers().size(), "the lead keeps the bundle's localizers");
        assertEquals(lead.localizers().get(0).network().params(), networks.get(0).localizers().get(0).network().params());
        for (ModelBundle network : networks) {
            String id = network.metadata().modelId();
            assertTrue(network.partners().isEmpty(), id);
            assertEquals(Map.of(), network.metadata().thresholds().byKey(), id + " keeps no thresholds");
            assertTrue(!network.metadata().provenance().containsKey(BundleMetadata.THRESHOLDS_CALIBRATED_ON), id);
            assertTrue(!network.metadata().provenance().containsKey(Ensemble.ENSEMBLE_OF), id);
            assertEquals("three", network.metadata().provenance().get(Ensemble.SPLIT_FROM), id);
            assertTrue(network.attachmentNames().isEmpty(), id);
        }
        assertTrue(networks.get(1).localizers().isEmpty());

        // Saved, loaded and joined again (the same order), they read as the joined bundle did, box or none.
        List<Path> files = new java.util.ArrayList<>();
        for (ModelBundle network : networks) {
            Path file = dir.resolve(network.metadata().modelId() + ".bundle");
            network.save(file);
            files.add(file);
        }
        ModelBundle again = Ensemble.join(ModelBundle.loadAll(files), "three-again");
        Transcriber before = new Transcriber(joined);
        Transcriber after = new Transcriber(again);
        ReadChecks.assertSameAnswers(photos.readBy(before), photos.readBy(after));
        List<Box> none = Collections.nCopies(photos.size(), null);
        ReadChecks.assertSameAnswers(before.transcribe(photos.photos(), none), after.transcribe(photos.photos(), none));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ensemble.split(lead));
        assertEquals("model tiny-test-5 reads with one network: there is nothing to split", e.getMessage());
    }

    /** One network taken alone (export-onnx --network) is the bundle split gives for it, the others not made. */
    @Test
    void aNetworkTakenAloneIsTheOneTheSplitGives() {
        ModelBundle second = TestBundles.tiny(6);
        second = second.withMetadata(second.metadata().withThresholds(Thresholds.fromKeys(Map.of("0.98", 0.6), "val", null)));
        ModelBundle joined = Ensemble.join(List.of(TestBundles.tiny(5).withLocalizer(localizer(3)), second,
                TestBundles.tiny(7)), "three");
        joined = joined.withMetadata(joined.metadata().withThresholds(Thresholds.NONE.with(TargetAccuracy.PAPER, 0.8)))
                .withAttachment("int8.onnx", new byte[] {1});

        List<ModelBundle> networks = Ensemble.split(joined);
        for (int n = 0; n < networks.size(); n++) {
            ModelBundle alone = Ensemble.network(joined, n);
            assertEquals(networks.get(n).metadata(), alone.metadata(), "network " + n);
            assertSame(networks.get(n).network(), alone.network(), "network " + n);
            assertEquals(networks.get(n).localizers(), alone.localizers(), "network " + n);
            assertEquals(networks.get(n).attachmentNames(), alone.attachmentNames(), "network " + n);
            assertEquals(networks.get(n).partners(), alone.partners(), "network " + n);
        }
        ModelBundle three = joined;
        assertThrows(IndexOutOfBoundsException.class, () -> Ensemble.network(three, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ensemble.network(TestBundles.tiny(5), 0));
        assertEquals("model tiny-test-5 reads with one network: there is nothing to split", e.getMessage());
    }

    @Test
    void theSplitCommandWritesEachNetworkByIdAndSaysToCalibrateThem(@TempDir Path dir) {
        Path joined = dir.resolve("pair.bundle");
        Ensemble.join(List.of(TestBundles.tiny(5).withLocalizer(localizer(3)), TestBundles.tiny(5)), "pair").save(joined);
        java.io.StringWriter stdout = new java.io.StringWriter();
        picocli.CommandLine cli = new picocli.CommandLine(new SplitEnsembleCommand());
        cli.setOut(new java.io.PrintWriter(stdout));
        Path out = dir.resolve("networks");
        assertEquals(0, cli.execute("--model", joined.toString(), "--out", out.toString()));
        // Both networks are tiny-test-5: the second is numbered rather than written over the first.
        ModelBundle first = ModelBundle.load(out.resolve("tiny-test-5.bundle"));
        ModelBundle second = ModelBundle.load(out.resolve("tiny-test-5-2.bundle"));
        assertEquals(1, first.localizers().size());
        assertTrue(second.localizers().isEmpty());
        assertEquals("network 1 of 2: tiny-test-5 (preset tiny, 1 localizer) -> " + out.resolve("tiny-test-5.bundle")
                + System.lineSeparator() + "network 2 of 2: tiny-test-5 (preset tiny, no localizer) -> "
                + out.resolve("tiny-test-5-2.bundle") + System.lineSeparator()
                + "none has thresholds yet: streetnum evaluate --model BUNDLE --data TEST --val VAL --write-threshold"
                + " --out REPORT, and again with --no-box" + System.lineSeparator(), stdout.toString());
    }

    /**
     * R51: a bundle joined with {@code --box-score agreement} answers a caller's box as the averaged heads do and
     * scores it by the geometric mean of each network's own P(S|x), worked here from each network read alone;
     * a photo sent without a box reads exactly as with the averaged heads; the service's crops score alike.
     */
    @Test
    void aCallersBoxScoredByAgreementIsTheGeometricMeanOfEachNetworksOwnProbability(@TempDir Path dir) {
        List<ModelBundle> bundles = List.of(TestBundles.tiny(5).withLocalizer(localizer(3)), TestBundles.tiny(6),
                TestBundles.tiny(7));
        Path file = dir.resolve("agreement.bundle");
        Ensemble.join(bundles, "agreement", 2, 2, EnsembleScore.AGREEMENT, null).save(file);
        ModelBundle agreeing = ModelBundle.load(file);
        assertEquals(EnsembleScore.AGREEMENT, agreeing.metadata().boxScore());
        assertEquals(EnsembleScore.AGREEMENT, agreeing.readingPaths().boxScore());
        // The same networks as loaded (loading zeroes subnormal weights), joined to average.
        List<ModelBundle> networks = Ensemble.split(agreeing);
        ModelBundle averaging = Ensemble.join(networks, "averaging", 2, 2);
        Transcriber agreement = new Transcriber(agreeing);
        Transcriber mean = new Transcriber(averaging);

        int boxed = photos.size() - 1;  // TestPhotos: every photo but the last has its box
        List<org.bytedeco.opencv.opencv_core.Mat> withBoxes = photos.photos().subList(0, boxed);
        List<Box> boxes = photos.boxes().subList(0, boxed);
        List<Transcription> agreed = agreement.transcribe(withBoxes, boxes);
        List<Transcription> averaged = mean.transcribe(withBoxes, boxes);
        List<ModelBundle> boxReaders = agreeing.members().subList(1, 3);
        List<List<Transcription>> alone = boxReaders.stream()
                .map(b -> new Transcriber(ensemble(List.of(b)), ReadViews.CENTRE).transcribe(withBoxes, boxes)).toList();
        boolean differs = false;
        for (int i = 0; i < boxed; i++) {
            String where = "photo " + i;
            Transcription t = agreed.get(i);
            assertEquals(averaged.get(i).candidate(), t.candidate(), where);
            assertEquals(averaged.get(i).box(), t.box(), where);
            assertArrayEquals(averaged.get(i).lengthProbabilities(), t.lengthProbabilities(), 0.0, where);
            double product = 1;
            for (List<Transcription> own : alone) {
                product *= ReadChecks.probabilityOf(own.get(i).heads(), t.candidate());
            }
            assertEquals(Math.sqrt(product), t.confidence(), 1e-6 * t.confidence(), where);
            differs |= Math.abs(t.confidence() - averaged.get(i).confidence()) > 1e-6;
        }
        assertTrue(differs, "the score differs from the averaged heads' somewhere");

        // The service cuts the crops itself: they score as transcribe's boxes do.
        List<org.bytedeco.opencv.opencv_core.Mat> crops = new java.util.ArrayList<>();
        for (int i = 0; i < boxed; i++) {
            crops.add(new dev.streetnum.data.CropExpander(agreeing.metadata().preprocess())
                    .expandedCrop(withBoxes.get(i), boxes.get(i)));
        }
        ReadChecks.assertSameAnswers(agreed, agreement.transcribeCrops(crops, boxes));
        crops.forEach(org.bytedeco.opencv.opencv_core.Mat::close);

        // Without a box, the averaged heads of the no-box networks, as before; in one batch each on its path.
        List<Box> none = Collections.nCopies(photos.size(), null);
        ReadChecks.assertSameAnswers(mean.transcribe(photos.photos(), none), agreement.transcribe(photos.photos(), none));
        List<Transcription> together = photos.readBy(agreement);
        List<Transcription> apart = new java.util.ArrayList<>(agreed);
        apart.add(mean.transcribe(photos.photos().subList(boxed, photos.size()), Collections.nCopies(1, null)).get(0));
        ReadChecks.assertSameAnswers(apart, together);

        // Every network on both paths: the paths still score apart.
        ModelBundle both = Ensemble.join(networks, "both", null, null, EnsembleScore.AGREEMENT, null);
        List<Transcription> bothRead = photos.readBy(new Transcriber(both));
        List<Transcription> bothAveraged = photos.readBy(new Transcriber(Ensemble.join(networks, "b")));
        // (The averaging bundle reads all three in one batch, this one the box-less photo alone: floats round apart.)
        assertEquals(bothAveraged.get(boxed).logProbability(), bothRead.get(boxed).logProbability(), 1e-6);
        assertTrue(bothAveraged.get(0).logProbability() != bothRead.get(0).logProbability()
                || bothAveraged.get(1).logProbability() != bothRead.get(1).logProbability());
    }

    /**
     * R52, R54: a photo sent without a box, its no-box networks scoring the answer by their agreement: the box
     * kept is the one whose answer is the most probable by the averaged heads, as without the agreement, and
     * its answer scored by the networks' geometric mean, worked here from each network reading each box alone.
     */
    @Test
    void aPhotoWithoutABoxScoredByAgreementKeepsTheBoxTheAveragedHeadsReadMostSurely() {
        // More photos and boxes than the class's: enough for the two rules to pick apart somewhere.
        try (TestPhotos photos = TestPhotos.generated(43, 12)) {
            ModelBundle lead = TestBundles.tiny(5).withLocalizers(
                    List.of(localizer(3), localizer(4), localizer(8), localizer(9)));
            List<ModelBundle> bundles = List.of(lead, TestBundles.tiny(6), TestBundles.tiny(7));
            ModelBundle agreeing = Ensemble.join(bundles, "no-box-agreement", 2, 2, null, EnsembleScore.AGREEMENT);
            assertEquals(EnsembleScore.AGREEMENT, agreeing.readingPaths().score(false));
            assertEquals(EnsembleScore.MEAN_HEADS, agreeing.readingPaths().score(true));
            List<Box> none = Collections.nCopies(photos.size(), null);
            List<Transcription> answers = new Transcriber(agreeing).transcribe(photos.photos(), none);

            List<List<Box>> found = lead.localizers().stream().map(l -> l.localize(photos.photos())).toList();
            // Each no-box network (the first two) reading each localizer's boxes alone.
            List<List<List<Transcription>>> alone = bundles.subList(0, 2).stream()
                    .map(b -> found.stream().map(boxes -> new Transcriber(ensemble(List.of(b)), ReadViews.CENTRE)
                            .transcribe(photos.photos(), boxes)).toList()).toList();
            boolean agreementWouldPickAnother = false;
            for (int i = 0; i < photos.size(); i++) {
                String where = "photo " + i;
                double bestMean = Double.NEGATIVE_INFINITY;
                double bestScore = Double.NaN;
                double mostAgreed = Double.NEGATIVE_INFINITY;
                String bestAnswer = null;
                Box bestBox = null;
                Box agreedBox = null;
                for (int l = 0; l < found.size(); l++) {
                    double[][] a = alone.get(0).get(l).get(i).heads();
                    double[][] b = alone.get(1).get(l).get(i).heads();
                    double[][] mean = new double[a.length][];
                    for (int h = 0; h < a.length; h++) {
                        mean[h] = new double[a[h].length];
                        for (int k = 0; k < a[h].length; k++) {
                            mean[h][k] = (a[h][k] + b[h][k]) / 2;
                        }
                    }
                    String answer = SequenceDecoder.decode(mean).candidate();
                    double agreement = Math.sqrt(ReadChecks.probabilityOf(a, answer)
                            * ReadChecks.probabilityOf(b, answer));
                    if (agreement > mostAgreed) {
                        mostAgreed = agreement;
                        agreedBox = found.get(l).get(i);
                    }
                    if (ReadChecks.probabilityOf(mean, answer) > bestMean) {
                        bestMean = ReadChecks.probabilityOf(mean, answer);
                        bestScore = Math.sqrt(ReadChecks.probabilityOf(a, answer)
                                * ReadChecks.probabilityOf(b, answer));
                        bestAnswer = answer;
                        bestBox = found.get(l).get(i);
                    }
                }
                assertEquals(bestAnswer, answers.get(i).candidate(), where);
                assertEquals(bestBox, answers.get(i).box(), where);
                assertEquals(BoxSource.LOCALIZED, answers.get(i).boxSource(), where);
                assertEquals(bestScore, answers.get(i).confidence(), 1e-6 * bestScore, where);
                agreementWouldPickAnother |= !agreedBox.equals(bestBox);
            }
            assertTrue(agreementWouldPickAnother, "the photos tell the two rules apart: on one, the agreement's box differs");
        }
    }

    private static Ensemble ensemble(List<ModelBundle> bundles) {
        return new Ensemble(bundles.stream().map(b -> new Ensemble.Member(b, new Dl4jEngine(b))).toList());
    }

    private static Localizer localizer(long seed) {
        return TestBundles.untrainedLocalizer(seed);
    }
}
