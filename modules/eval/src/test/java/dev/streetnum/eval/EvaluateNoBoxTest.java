package dev.streetnum.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.AnnotatedImage;
import dev.streetnum.data.Box;
import dev.streetnum.data.DataException;
import dev.streetnum.data.ImageDecoder;
import dev.streetnum.data.TestData;
import dev.streetnum.model.BoxSource;
import dev.streetnum.model.Localizer;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.TestBundles;
import dev.streetnum.model.Transcriber;
import dev.streetnum.model.Transcription;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code evaluate --no-box}: the CSV's boxes are not given to the model but score the boxes it found. */
class EvaluateNoBoxTest {

    @TempDir
    Path dir;

    @Test
    void noBoxReadsTheLocalizedBoxAndScoresItAgainstTheCsvBox() throws Exception {
        AnnotatedDataset test = AnnotatedDataset.load(TestData.generatedSet(dir.resolve("test"), 12, 41), false);
        Localizer localizer = TestBundles.untrainedLocalizer(3);
        ModelBundle bundle = TestBundles.tiny(5).withLocalizer(localizer);
        EvaluationConfig noBox = new EvaluationConfig(0.98, 5, EvaluationConfig.NO_LIMIT, false, BoxUse.WITHHELD);
        CoverageReport report = new Evaluator(noBox).evaluate(bundle, test);

        // Independently: localize each photo, transcribe that box by hand, IoU against the CSV's union box.
        List<Mat> photos = new ArrayList<>();
        for (AnnotatedImage image : test.images()) {
            photos.add(ImageDecoder.read(image.file()));
        }
        List<Box> found = localizer.localize(photos);
        List<Transcription> byHand = new Transcriber(TestBundles.tiny(5)).transcribe(photos, found);
        double iouSum = 0;
        for (int i = 0; i < photos.size(); i++) {
            Prediction p = report.testPredictions().get(i);
            double iou = found.get(i).iou(test.images().get(i).region());
            iouSum += iou;
            assertEquals(found.get(i), p.box());
            assertEquals(BoxSource.LOCALIZED, p.boxSource());
            assertEquals(iou, p.boxIou(), 1e-12);
            assertEquals(byHand.get(i).candidate(), p.answer());
            // float32 network: the evaluator batches differently from this by-hand call
            assertEquals(byHand.get(i).confidence(), p.confidence(), 1e-6);
        }
        photos.forEach(Mat::close);
        assertEquals(BoxUse.WITHHELD, report.boxes());
        assertEquals(iouSum / photos.size(), report.test().meanBoxIou(), 1e-12);

        Path out = dir.resolve("report");
        new ReportWriter(Evaluator.seenFraction(bundle.metadata().preprocess())).write(report, out);
        JsonNode json = ReportWriter.jsonMapper().readTree(out.resolve(ReportWriter.REPORT_JSON).toFile());
        assertEquals(iouSum / photos.size(), json.get("test").get("meanBoxIou").asDouble(), 1e-12);
        assertEquals("no box", json.get("boxes").asText());
        String html = Files.readString(out.resolve(ReportWriter.INDEX_HTML));
        assertTrue(html.contains("Without boxes") && html.contains(String.format(Locale.ROOT, "%.3f", iouSum / photos.size())), html);
        assertTrue(Files.readString(out.resolve(ReportWriter.PREDICTIONS_CSV)).contains(",localized,"));
        assertTrue(!Files.exists(out.resolve(ReportWriter.BOX_READINGS_CSV)), "one localizer: one box, nothing to list");
    }

    /**
     * Through two localizers the report lists both boxes' own readings (box-readings.csv), each equal to that
     * box read by hand, and the most probable of a photo's rows is its answer in predictions.csv.
     */
    @Test
    void severalLocalizersListEveryCandidateBoxAndTheMostProbableIsTheAnswer() throws Exception {
        AnnotatedDataset test = AnnotatedDataset.load(TestData.generatedSet(dir.resolve("test"), 10, 43), false);
        List<Localizer> localizers = List.of(TestBundles.untrainedLocalizer(3), TestBundles.untrainedLocalizer(8));
        ModelBundle bundle = TestBundles.tiny(5).withLocalizers(localizers);
        CoverageReport report = new Evaluator(new EvaluationConfig(0.98, 5, EvaluationConfig.NO_LIMIT, false,
                BoxUse.WITHHELD)).evaluate(bundle, test);
        Path out = dir.resolve("report");
        new ReportWriter(Evaluator.seenFraction(bundle.metadata().preprocess())).write(report, out);
        Map<String, List<Prediction.CandidateBox>> read = BoxReadingsCsv.read(out.resolve(ReportWriter.BOX_READINGS_CSV));
        List<Prediction> predictions = PredictionsCsv.read(out.resolve(ReportWriter.PREDICTIONS_CSV));

        List<Mat> photos = new ArrayList<>();
        for (AnnotatedImage image : test.images()) {
            photos.add(ImageDecoder.read(image.file()));
        }
        Transcriber plain = new Transcriber(TestBundles.tiny(5));
        List<List<Box>> found = List.of(localizers.get(0).localize(photos), localizers.get(1).localize(photos));
        List<List<Transcription>> byHand = List.of(plain.transcribe(photos, found.get(0)),
                plain.transcribe(photos, found.get(1)));
        photos.forEach(Mat::close);
        assertEquals(test.size(), read.size());
        int differ = 0;
        for (int i = 0; i < test.size(); i++) {
            Prediction p = predictions.get(i);
            List<Prediction.CandidateBox> boxes = read.get(p.file());
            assertEquals(2, boxes.size(), p.file());
            int best = 0;
            for (int k = 0; k < 2; k++) {
                Transcription.BoxReading r = boxes.get(k).reading();
                assertEquals(found.get(k).get(i), r.box(), p.file() + " box " + k);
                assertEquals(byHand.get(k).get(i).candidate(), r.candidate());
                assertEquals(byHand.get(k).get(i).logProbability(), r.logProbability(), 1e-6);
                assertEquals(r.box().iou(test.images().get(i).region()), boxes.get(k).boxIou(), 1e-12);
                best = k == 1 && r.logProbability() > boxes.get(0).reading().logProbability() ? 1 : best;
            }
            Transcription.BoxReading chosen = boxes.get(best).reading();
            assertEquals(chosen.candidate(), p.answer(), p.file());
            assertEquals(chosen.box(), p.box(), p.file());
            assertEquals(chosen.confidence(), p.confidence(), 1e-12, p.file());
            differ += found.get(0).get(i).equals(found.get(1).get(i)) ? 0 : 1;
        }
        assertTrue(differ > 0, "the two localizers find different boxes somewhere");
    }

    @Test
    void aBoxReadingsRowOutOfOrderIsNamedByLineAndField() throws Exception {
        Path file = dir.resolve("box-readings.csv");
        Files.writeString(file, String.join(",", BoxReadingsCsv.HEADER) + "\n"
                + "a.png,12,0,\"1,2,3,4\",0.5,12,true,-0.1,0.905,true\n"
                + "a.png,12,2,\"1,2,3,4\",0.5,12,true,-0.1,0.905,true\n");
        DataException e = assertThrows(DataException.class, () -> BoxReadingsCsv.read(file));
        assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("'localizer'"), e.getMessage());
        Files.writeString(file, String.join(",", BoxReadingsCsv.HEADER) + "\n"
                + "a.png,12,0,\"1,2,3,4\",0.5,12,maybe,-0.1,0.905,true\n");
        e = assertThrows(DataException.class, () -> BoxReadingsCsv.read(file));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("'transcribable'"), e.getMessage());
    }

    @Test
    void withTheCsvBoxesThereIsNoBoxFigure() {
        AnnotatedDataset test = AnnotatedDataset.load(TestData.generatedSet(dir.resolve("test"), 6, 42), false);
        ModelBundle bundle = TestBundles.tiny(5).withLocalizer(TestBundles.untrainedLocalizer(3));
        CoverageReport report = new Evaluator(new EvaluationConfig(0.98, 5, EvaluationConfig.NO_LIMIT, false))
                .evaluate(bundle, test);
        assertNull(report.test().meanBoxIou());
        assertEquals(BoxUse.GIVEN, report.boxes());
        for (int i = 0; i < test.size(); i++) {
            assertEquals(BoxSource.CALLER, report.testPredictions().get(i).boxSource());
            assertEquals(test.images().get(i).region(), report.testPredictions().get(i).box());
        }
    }

    /** --boxes-as-found: the CSV's boxes read as the localizer's; one network reads both paths alike. */
    @Test
    void theCsvBoxesReadAsFoundAreTheNoBoxPathsReadingOfThem() {
        AnnotatedDataset test = AnnotatedDataset.load(TestData.generatedSet(dir.resolve("found"), 6, 43), false);
        ModelBundle bundle = TestBundles.tiny(5).withLocalizer(TestBundles.untrainedLocalizer(3));
        CoverageReport given = new Evaluator(new EvaluationConfig(0.98, 5, EvaluationConfig.NO_LIMIT, false))
                .evaluate(bundle, test);
        CoverageReport found = new Evaluator(new EvaluationConfig(0.98, 5, EvaluationConfig.NO_LIMIT, false,
                BoxUse.AS_FOUND)).evaluate(bundle, test);
        for (int i = 0; i < test.size(); i++) {
            Prediction a = given.testPredictions().get(i);
            Prediction b = found.testPredictions().get(i);
            assertEquals(BoxSource.LOCALIZED, b.boxSource());
            assertEquals(test.images().get(i).region(), b.box());
            assertEquals(a.answer(), b.answer());
            assertEquals(a.confidence(), b.confidence(), 0.0);
        }
        assertEquals(BoxUse.AS_FOUND, found.boxes());
        // An as-found report must not pass for one whose boxes were given.
        assertEquals("the CSV's boxes, read as found",
                ReportWriter.jsonMapper().valueToTree(found).get("boxes").asText());
        assertEquals("the CSV's boxes", ReportWriter.jsonMapper().valueToTree(given).get("boxes").asText());
        assertThrows(IllegalStateException.class, found::calibratedThresholds);
        assertTrue(new ReportPage(found).html().contains("Boxes read as found"));
        assertFalse(new ReportPage(given).html().contains("Boxes read as found"));
    }

    @Test
    void anEvaluationSaysHowItUsesTheCsvBoxes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new EvaluationConfig(0.98, 5, EvaluationConfig.NO_LIMIT, false, null));
        assertTrue(e.getMessage().contains("BoxUse.GIVEN"), e.getMessage());
    }
}
