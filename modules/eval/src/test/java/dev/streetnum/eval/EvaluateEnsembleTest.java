package dev.streetnum.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.AnnotatedImage;
import dev.streetnum.data.Box;
import dev.streetnum.data.ImageDecoder;
import dev.streetnum.data.PreprocessConfig;
import dev.streetnum.data.TestData;
import dev.streetnum.model.BundleMetadata;
import dev.streetnum.model.Dl4jEngine;
import dev.streetnum.model.Ensemble;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.NetworkOptions;
import dev.streetnum.model.Preset;
import dev.streetnum.model.ReadViews;
import dev.streetnum.model.StreetNumberNetwork;
import dev.streetnum.model.TestBundles;
import dev.streetnum.model.Transcriber;
import dev.streetnum.model.Transcription;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVRecord;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code evaluate --ensemble}: two tiny bundles read together, end to end, and what it refuses. */
class EvaluateEnsembleTest {

    private static final int TEST_IMAGES = 10;

    @TempDir
    static Path shared;
    static Path test;
    static Path validation;
    static ModelBundle lead;
    static ModelBundle other;
    static Path leadFile;
    static Path otherFile;

    @BeforeAll
    static void twoTinyBundlesAndGeneratedSets() {
        test = TestData.generatedSet(shared.resolve("test"), TEST_IMAGES, 51);
        validation = TestData.generatedSet(shared.resolve("val"), 8, 52);
        lead = TestBundles.tiny(1).withLocalizer(TestBundles.untrainedLocalizer(3));
        other = TestBundles.tiny(2);
        leadFile = shared.resolve("lead.bundle");
        otherFile = shared.resolve("other.bundle");
        lead.save(leadFile);
        other.save(otherFile);
    }

    @Test
    void theReportNamesBothModelsAndEachRowIsTheEnsemblesAnswer() throws Exception {
        for (boolean noBox : new boolean[] {false, true}) {
            Path out = shared.resolve(noBox ? "no-box" : "boxes");
            StringWriter stdout = new StringWriter();
            List<String> args = new java.util.ArrayList<>(List.of("--model", leadFile.toString(), "--ensemble",
                    otherFile.toString(), "--engine", "dl4j", "--data", test.toString(), "--val",
                    validation.toString(), "--out", out.toString(), "--batch-size", "4"));
            if (noBox) {
                args.add("--no-box");
            }
            assertEquals(0, EvaluateEndToEndTest.evaluate(stdout, args.toArray(String[]::new)), stdout.toString());
            JsonNode json = ReportFolderCheck.check(out, TEST_IMAGES);
            assertEquals("tiny-test-1 + tiny-test-2", json.get("modelId").asText());
            assertTrue(stdout.toString().contains("ensemble of 2 models, each head averaged before decoding:"
                    + " tiny-test-1 + tiny-test-2"), stdout.toString());
            assertEquals((noBox ? BoxUse.WITHHELD : BoxUse.GIVEN).label(), json.get("boxes").asText());

            // Each row is what a Transcriber of the two models answers for the image alone; without a
            // box, the lead's localizer found the box both models read.
            Transcriber pair = new Transcriber(new Ensemble(List.of(new Ensemble.Member(lead, new Dl4jEngine(lead)),
                    new Ensemble.Member(other, new Dl4jEngine(other)))), ReadViews.CENTRE);
            List<CSVRecord> rows = ReportFolderCheck.predictions(out);
            List<AnnotatedImage> images = AnnotatedDataset.load(test, false).images();
            for (int i = 0; i < images.size(); i++) {
                Transcription alone;
                try (Mat photo = ImageDecoder.read(images.get(i).file())) {
                    Box box = noBox ? lead.localizer().orElseThrow().localize(List.of(photo)).get(0)
                            : images.get(i).region();
                    alone = pair.transcribe(List.of(photo), List.of(box)).get(0);
                }
                String where = (noBox ? "no box, " : "") + "row " + i;
                assertEquals(alone.candidate(), rows.get(i).get("answer"), where);
                // float32 networks: the evaluator batches differently from this one-image call
                assertEquals(alone.confidence(), Double.parseDouble(rows.get(i).get("confidence")), 1e-6, where);
            }
            if (noBox) {
                assertTrue(Files.readString(out.resolve(ReportWriter.PREDICTIONS_CSV)).contains(",localized,"));
                assertTrue(stdout.toString().contains("every model reads that box"), stdout.toString());
            }
        }
    }

    @Test
    void aJoinedBundleEvaluatesAsItsMembersTogetherAndStoresTheEnsemblesThresholds() throws Exception {
        // Briefly trained on these very photos, so that some answers are right and a threshold is reached.
        AnnotatedDataset[] sets = {AnnotatedDataset.load(test, false), AnnotatedDataset.load(validation, false)};
        ModelBundle trainedLead = BrieflyTrainedBundle.train(60, sets).withLocalizers(lead.localizers());
        ModelBundle trainedOther = BrieflyTrainedBundle.train(40, sets);
        Path trainedLeadFile = shared.resolve("trained-lead.bundle");
        Path trainedOtherFile = shared.resolve("trained-other.bundle");
        trainedLead.save(trainedLeadFile);
        trainedOther.save(trainedOtherFile);
        Path joinedFile = shared.resolve("joined.bundle");
        Ensemble.join(List.of(trainedLead, trainedOther), "pair").save(joinedFile);
        int reached = 0;
        for (boolean noBox : new boolean[] {false, true}) {
            String tag = noBox ? "-no-box" : "";
            Path byHand = shared.resolve("by-hand" + tag);
            Path joined = shared.resolve("joined" + tag);
            List<String> common = new java.util.ArrayList<>(List.of("--data", test.toString(), "--val",
                    validation.toString(), "--batch-size", "4", "--target-accuracy", "0.5"));
            if (noBox) {
                common.add("--no-box");
            }
            StringWriter stdout = new StringWriter();
            List<String> pair = new java.util.ArrayList<>(List.of("--model", trainedLeadFile.toString(), "--ensemble",
                    trainedOtherFile.toString(), "--out", byHand.toString()));
            pair.addAll(common);
            assertEquals(0, EvaluateEndToEndTest.evaluate(stdout, pair.toArray(String[]::new)), stdout.toString());
            List<String> one = new java.util.ArrayList<>(List.of("--model", joinedFile.toString(), "--out",
                    joined.toString(), "--write-threshold"));
            one.addAll(common);
            assertEquals(0, EvaluateEndToEndTest.evaluate(stdout, one.toArray(String[]::new)), stdout.toString());

            JsonNode expected = ReportFolderCheck.check(byHand, TEST_IMAGES);
            JsonNode actual = ReportFolderCheck.check(joined, TEST_IMAGES);
            assertEquals("pair", actual.get("modelId").asText());
            List<CSVRecord> want = ReportFolderCheck.predictions(byHand);
            List<CSVRecord> got = ReportFolderCheck.predictions(joined);
            for (int i = 0; i < want.size(); i++) {
                assertEquals(want.get(i).get("answer"), got.get(i).get("answer"), tag + " row " + i);
                assertEquals(want.get(i).get("confidence"), got.get(i).get("confidence"), tag + " row " + i);
            }
            // What evaluate --ensemble reports, the joined bundle stores, for the path it was read on.
            JsonNode calibrated = expected.get("calibration").get("thresholds");
            ModelBundle stored = ModelBundle.load(joinedFile);
            assertEquals(1, stored.partners().size(), "the partner is kept");
            for (java.util.Iterator<String> keys = calibrated.fieldNames(); keys.hasNext(); ) {
                String target = keys.next();
                String key = (noBox ? "no-box " : "") + target;
                if (calibrated.get(target).isNumber() && Double.isFinite(calibrated.get(target).asDouble())) {
                    reached++;
                    assertEquals(calibrated.get(target).asDouble(), stored.metadata().thresholds().byKey().get(key),
                            1e-12, key);
                } else {
                    assertFalse(stored.metadata().thresholds().byKey().containsKey(key), key);
                }
            }
        }
        assertTrue(reached > 0, "no target reached: the comparison of thresholds checked nothing");
    }

    @Test
    void aJoinedBundleNotYetQuantizedSaysHowToQuantizeIt() throws Exception {
        Path joinedFile = shared.resolve("joined-int8.bundle");
        Ensemble.join(List.of(lead, other), "pair").save(joinedFile);
        StringWriter stdout = new StringWriter();
        assertNotEquals(0, EvaluateEndToEndTest.evaluate(stdout, "--model", joinedFile.toString(), "--engine",
                "onnx-int8", "--data", test.toString(), "--out", shared.resolve("int8").toString()));
        assertTrue(stdout.toString().contains("model pair has no int8 network for its member 1 of 2 ("), stdout.toString());
        assertTrue(stdout.toString().contains("run  streetnum quantize --model BUNDLE"), stdout.toString());
    }

    @Test
    void writingAThresholdForAnEnsembleIsRefused() throws Exception {
        Path out = shared.resolve("refused");
        byte[] before = Files.readAllBytes(leadFile);
        StringWriter stdout = new StringWriter();
        assertNotEquals(0, EvaluateEndToEndTest.evaluate(stdout, "--model", leadFile.toString(), "--ensemble",
                otherFile.toString(), "--data", test.toString(), "--out", out.toString(), "--write-threshold"));
        assertTrue(stdout.toString().contains("--write-threshold stores thresholds for the one model the service"
                + " reads; they cannot be calibrated on an ensemble (--ensemble)"), stdout.toString());
        assertTrue(Arrays.equals(before, Files.readAllBytes(leadFile)), "the bundle is left as it was");
        assertFalse(Files.exists(out), "nothing evaluated, no report");
    }

    @Test
    void bundlesThatPreprocessApartAreRefusedBeforeReading() {
        Path looser = shared.resolve("looser.bundle");
        new ModelBundle(StreetNumberNetwork.build(Preset.TINY, NetworkOptions.seeded(3)), BundleMetadata.create(
                "looser", Preset.TINY, new PreprocessConfig(0.20, 64, 54), Map.of())).save(looser);
        Path out = shared.resolve("apart");
        StringWriter stdout = new StringWriter();
        assertNotEquals(0, EvaluateEndToEndTest.evaluate(stdout, "--model", leadFile.toString(), "--ensemble",
                looser.toString(), "--data", test.toString(), "--out", out.toString()));
        assertTrue(stdout.toString().contains("models read together must preprocess alike, but tiny-test-1"),
                stdout.toString());
        assertFalse(Files.exists(out), "nothing evaluated, no report");
    }
}
