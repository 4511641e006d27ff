package dev.streetnum.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.AnnotatedImage;
import dev.streetnum.data.Box;
import dev.streetnum.data.ImageDecoder;
import dev.streetnum.data.TestData;
import dev.streetnum.model.BoxSource;
import dev.streetnum.model.Localizer;
import dev.streetnum.model.LocalizerMetadata;
import dev.streetnum.model.LocalizerNetwork;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.TestBundles;
import dev.streetnum.model.Transcriber;
import dev.streetnum.model.Transcription;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        Localizer localizer = new Localizer(LocalizerNetwork.build(32, 3, 1e-3),
                LocalizerMetadata.create(32, Map.of(), Map.of()));
        ModelBundle bundle = TestBundles.tiny(5).withLocalizer(localizer);
        EvaluationConfig noBox = new EvaluationConfig(0.98, 5, EvaluationConfig.NO_LIMIT, false, true);
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
        assertEquals(CoverageReport.NO_BOX, report.boxes());
        assertEquals(iouSum / photos.size(), report.test().meanBoxIou(), 1e-12);

        Path out = dir.resolve("report");
        new ReportWriter(Evaluator.seenFraction(bundle.metadata().preprocess())).write(report, out);
        JsonNode json = ReportWriter.jsonMapper().readTree(out.resolve(ReportWriter.REPORT_JSON).toFile());
        assertEquals(iouSum / photos.size(), json.get("test").get("meanBoxIou").asDouble(), 1e-12);
        assertEquals("no box", json.get("boxes").asText());
        String html = Files.readString(out.resolve(ReportWriter.INDEX_HTML));
        assertTrue(html.contains("Without boxes") && html.contains(String.format("%.3f", iouSum / photos.size())), html);
        assertTrue(Files.readString(out.resolve(ReportWriter.PREDICTIONS_CSV)).contains(",localized,"));
    }

    @Test
    void withTheCsvBoxesThereIsNoBoxFigure() {
        AnnotatedDataset test = AnnotatedDataset.load(TestData.generatedSet(dir.resolve("test"), 6, 42), false);
        ModelBundle bundle = TestBundles.tiny(5).withLocalizer(new Localizer(LocalizerNetwork.build(32, 3, 1e-3),
                LocalizerMetadata.create(32, Map.of(), Map.of())));
        CoverageReport report = new Evaluator(new EvaluationConfig(0.98, 5, EvaluationConfig.NO_LIMIT, false))
                .evaluate(bundle, test);
        assertNull(report.test().meanBoxIou());
        assertEquals(CoverageReport.CSV_BOXES, report.boxes());
        for (int i = 0; i < test.size(); i++) {
            assertEquals(BoxSource.CALLER, report.testPredictions().get(i).boxSource());
            assertEquals(test.images().get(i).region(), report.testPredictions().get(i).box());
        }
    }
}
