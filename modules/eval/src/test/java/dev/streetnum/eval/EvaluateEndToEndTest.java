package dev.streetnum.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.AnnotatedImage;
import dev.streetnum.data.CropExpander;
import dev.streetnum.data.ImageDecoder;
import dev.streetnum.data.StreetNumberIterator;
import dev.streetnum.data.TestData;
import dev.streetnum.model.InferenceEngine;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.TestBundles;
import dev.streetnum.model.Thresholds;
import dev.streetnum.model.Transcriber;
import dev.streetnum.model.Transcription;
import dev.streetnum.onnx.Engine;
import dev.streetnum.onnx.QuantizeCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVRecord;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code streetnum evaluate} on a briefly trained TINY bundle and tiny generated sets: the whole
 * report, checked against predictions.csv, the bundle's own Transcriber and the trainer's entry.
 */
class EvaluateEndToEndTest {

    private static final int TEST_IMAGES = 24;
    private static final int VALIDATION_IMAGES = 20;
    /** Full-batch steps: enough that some answers are right and some wrong (measured: about 1 in 4 on test). */
    private static final int TRAINING_STEPS = 60;

    @TempDir
    static Path shared;
    static Path test;
    static Path validation;
    static Path train;
    static ModelBundle trained;

    @BeforeAll
    static void trainATinyBundleOnTheSetsItWillBeEvaluatedOn() {
        test = TestData.generatedSet(shared.resolve("test"), TEST_IMAGES, 11);
        validation = TestData.generatedSet(shared.resolve("val"), VALIDATION_IMAGES, 12);
        train = TestData.generatedSet(shared.resolve("train"), 12, 13);
        trained = BrieflyTrainedBundle.train(TRAINING_STEPS, AnnotatedDataset.load(test, false),
                AnnotatedDataset.load(validation, false));
    }

    @Test
    void evaluateWritesAConsistentReportAndStoresThresholds(@TempDir Path dir) throws Exception {
        // The bundle is a symbolic link to one kept elsewhere: --write-threshold writes through it.
        Path kept = Files.createDirectories(dir.resolve("kept")).resolve("tiny.bundle");
        trained.save(kept);
        Path bundleFile = Files.createSymbolicLink(dir.resolve("tiny.bundle"), kept);
        Path out = dir.resolve("report");

        StringWriter stdout = new StringWriter();
        int exit = evaluate(stdout, "--model", bundleFile.toString(), "--data", test.toString(),
                "--val", validation.toString(), "--train", train.toString(), "--out", out.toString(),
                "--write-threshold", "--batch-size", "8");
        assertEquals(0, exit, stdout.toString());

        JsonNode json = ReportFolderCheck.check(out, TEST_IMAGES);
        double accuracy = json.get("test").get("metrics").get("sequenceAccuracy").asDouble();
        assertTrue(accuracy > 0 && accuracy < 1, "the fixture must give right and wrong answers, got test accuracy "
                + accuracy + ": retune TRAINING_STEPS");
        assertEquals("validation", json.get("calibration").get("chosenOn").asText());
        assertTrue(json.get("fit").get("sentence").asText().matches("(Overfitting|Underfitting|Fits): .*"));
        assertEquals(VALIDATION_IMAGES, json.get("validation").get("metrics").get("examples").asInt());
        double t98 = json.get("calibration").get("thresholds").get("0.98").asDouble(Double.NaN);
        assertTrue(t98 > 0 && t98 <= 1, "a threshold reaching 98% on validation exists in the fixture: " + t98);
        JsonNode onTest = json.get("calibration").get("onTest").get("0.98");
        assertTrue(onTest.get("accepted").asInt() > 0 && onTest.get("accepted").asInt() < TEST_IMAGES,
                "the validation threshold accepts some test images and refuses others: " + onTest);

        // The human summary names the headline numbers and the report.
        String summary = stdout.toString();
        assertTrue(summary.contains("sequence accuracy " + percent(accuracy)), summary);
        JsonNode coverageInterval = json.get("testIntervals").get("coverage");
        assertTrue(summary.contains("coverage at 98% accuracy: " + percent(onTest.get("coverage").asDouble())
                + String.format(Locale.ROOT, " [%.1f%%, %.1f%%]", 100 * coverageInterval.get("low").asDouble(),
                        100 * coverageInterval.get("high").asDouble()) + " of test at threshold"), summary);
        JsonNode again = json.get("calibrationIntervals");
        assertEquals(Bootstrap.RESAMPLES, again.get("resamples").asInt());
        assertTrue(summary.contains(String.format(Locale.ROOT, "chosen again on each of %d draws of validation (test drawn too):"
                        + " coverage [%.1f%%, %.1f%%]", Bootstrap.RESAMPLES, 100 * again.get("coverage").get("low").asDouble(),
                100 * again.get("coverage").get("high").asDouble())), summary);
        assertTrue(summary.contains(String.format(Locale.ROOT, "risk-coverage area (AURC) on test: %.4f",
                json.get("test").get("riskCoverageArea").asDouble())), summary);
        assertTrue(summary.contains("report: " + out.resolve(ReportWriter.INDEX_HTML)), summary);

        // --write-threshold: every reachable threshold chosen on validation is now in the bundle, the link's target.
        assertTrue(Files.isSymbolicLink(bundleFile), "the bundle's link is still a link");
        ModelBundle reloaded = ModelBundle.load(kept);
        Map<String, Double> stored = reloaded.metadata().thresholds().byKey();
        json.get("calibration").get("thresholds").fields().forEachRemaining(e -> {
            if (!e.getValue().isNull()) {
                assertEquals(e.getValue().asDouble(), stored.get(e.getKey()), 0, "threshold " + e.getKey());
            } else {
                assertTrue(!stored.containsKey(e.getKey()), "unreachable " + e.getKey() + " is not stored");
            }
        });
        assertEquals(trained.metadata().modelId(), reloaded.metadata().modelId());

        // Each CSV row is what the service would say: the reloaded bundle's Transcriber, one image at a
        // time, gives the same answer and confidence, and accepts it at the stored threshold exactly
        // when the report does (DESIGN section 3: served prediction = evaluated prediction).
        Transcriber transcriber = new Transcriber(reloaded);
        List<CSVRecord> rows = ReportFolderCheck.predictions(out);
        List<AnnotatedImage> images = AnnotatedDataset.load(test, false).images();
        for (int i = 0; i < images.size(); i++) {
            CSVRecord row = rows.get(i);
            Transcription served;
            try (Mat photo = ImageDecoder.read(images.get(i).file())) {
                served = transcriber.transcribe(List.of(photo), List.of(images.get(i).region())).get(0);
            }
            String where = "row " + i + " (" + row.get("file") + ")";
            assertEquals(test.relativize(images.get(i).file()).toString(), row.get("file"), where);
            assertEquals(images.get(i).number(), row.get("truth"), where);
            assertEquals(served.candidate(), row.get("answer"), where);
            assertEquals(served.transcribable(), Boolean.parseBoolean(row.get("transcribable")), where);
            double confidence = Double.parseDouble(row.get("confidence"));
            assertEquals(served.confidence(), confidence, 1e-5, where);
            if (Math.abs(confidence - t98) > 1e-5) {
                assertEquals(served.acceptedAt(stored.get("0.98")), Boolean.parseBoolean(row.get("accepted")), where);
            }
        }

        // The error kinds add up to the CSV's wrong rows, all of them and those accepted.
        int wrong = 0;
        int acceptedWrong = 0;
        for (CSVRecord row : rows) {
            boolean correct = Boolean.parseBoolean(row.get("correct"));
            wrong += correct ? 0 : 1;
            acceptedWrong += !correct && Boolean.parseBoolean(row.get("accepted")) ? 1 : 0;
        }
        assertEquals(wrong, sum(json.get("test").get("metrics").get("errors")));
        assertEquals(acceptedWrong, sum(json.get("acceptedErrors")));
        // The evaluator checked the test annotations: the list is there, and holds only accepted wrong rows.
        JsonNode onGaps = json.get("acceptedErrorsOnAnnotationGaps");
        assertTrue(onGaps != null && onGaps.isArray(), "the annotation check ran");
        for (JsonNode file : onGaps) {
            assertTrue(rows.stream().anyMatch(r -> r.get("file").equals(file.asText())
                    && Boolean.parseBoolean(r.get("accepted")) && !Boolean.parseBoolean(r.get("correct"))), file.asText());
        }
        assertTrue(summary.contains("test errors: " + json.get("test").get("metrics").get("errors").get("extra digits")
                .asInt() + " extra digits, "), summary);

        // The trainer's cheap entry, fed by the data module's iterator (centre crops), agrees with the
        // Transcriber path the report used.
        Iterator<org.nd4j.linalg.dataset.api.MultiDataSet> batches = new StreetNumberIterator(
                AnnotatedDataset.load(test, false), new CropExpander(trained.metadata().preprocess()),
                new StreetNumberIterator.Options(8, false, false, 0, 1, null));
        ValidationScore score = Evaluator.validate(trained.network(), batches);
        assertEquals(TEST_IMAGES, score.examples());
        assertEquals(accuracy, score.sequenceAccuracy(), 1e-12);
        JsonNode best98 = json.get("test").get("bestCoverage").get("0.98");
        assertEquals(best98.get("coverage").asDouble(), score.coverage(), 1e-12);
        assertEquals(best98.get("threshold").asDouble(), score.threshold(), 1e-5);
        assertEquals(json.get("test").get("riskCoverageArea").asDouble(), score.riskCoverageArea(), 1e-9);
    }

    @Test
    void onnxEnginesAreEvaluatedAndInt8KeepsItsOwnThresholds(@TempDir Path dir) throws Exception {
        Path bundleFile = dir.resolve("tiny.bundle");
        trained.save(bundleFile);
        CommandLine quantize = new CommandLine(new QuantizeCommand());
        quantize.setOut(new PrintWriter(new StringWriter()));
        assertEquals(0, quantize.execute("--model", bundleFile.toString(), "--calibration", train.toString()));

        // The float export answers as DL4J does, image by image.
        StringWriter stdout = new StringWriter();
        assertEquals(0, evaluate(stdout, "--model", bundleFile.toString(), "--engine", "dl4j", "--data",
                test.toString(), "--out", dir.resolve("dl4j").toString()), stdout.toString());
        assertEquals(0, evaluate(stdout, "--model", bundleFile.toString(), "--engine", "onnx", "--data",
                test.toString(), "--out", dir.resolve("onnx").toString()), stdout.toString());
        List<CSVRecord> dl4j = ReportFolderCheck.predictions(dir.resolve("dl4j"));
        List<CSVRecord> onnx = ReportFolderCheck.predictions(dir.resolve("onnx"));
        assertEquals(TEST_IMAGES, onnx.size());
        for (int i = 0; i < dl4j.size(); i++) {
            assertEquals(dl4j.get(i).get("answer"), onnx.get(i).get("answer"), "row " + i);
            assertEquals(Double.parseDouble(dl4j.get(i).get("confidence")),
                    Double.parseDouble(onnx.get(i).get("confidence")), 1e-4, "row " + i);
        }

        // The int8 model is reported under its own id and its thresholds go into it, not the float ones.
        Path out = dir.resolve("int8");
        // A target this briefly trained model reaches (it reaches no 98%), so a threshold is stored.
        assertEquals(0, evaluate(stdout, "--model", bundleFile.toString(), "--engine", "onnx-int8", "--data",
                test.toString(), "--val", validation.toString(), "--out", out.toString(), "--write-threshold",
                "--target-accuracy", "0.5"), stdout.toString());
        JsonNode json = ReportFolderCheck.check(out, TEST_IMAGES);
        assertEquals(trained.metadata().modelId() + "-int8", json.get("modelId").asText());
        ModelBundle reloaded = ModelBundle.load(bundleFile);
        assertEquals(trained.metadata().thresholds(), reloaded.metadata().thresholds());
        try (InferenceEngine int8 = Engine.ONNX_INT8.open(reloaded)) {
            json.get("calibration").get("thresholds").fields().forEachRemaining(e -> {
                if (!e.getValue().isNull()) {
                    assertEquals(e.getValue().asDouble(), int8.thresholds().byKey().get(e.getKey()), 0, "threshold " + e.getKey());
                }
            });
            assertTrue(int8.thresholds().byKey().containsKey("0.5"), int8.thresholds().toString());
        }
    }

    /**
     * The bundle's own operating point on the path read: a caller's box at its stored with-box threshold,
     * boxes read as found (--boxes-as-found) at its no-box one; counted here from predictions.csv.
     */
    @Test
    void theSummaryGivesTheStoredThresholdsOperatingPointOnThePathRead(@TempDir Path dir) throws Exception {
        Path plain = dir.resolve("plain.bundle");
        trained.save(plain);
        StringWriter first = new StringWriter();
        assertEquals(0, evaluate(first, "--model", plain.toString(), "--data", test.toString(), "--out",
                dir.resolve("first").toString(), "--batch-size", "8"), first.toString());
        assertTrue(!first.toString().contains("at the bundle's stored"), "a bundle without thresholds has none: " + first);
        double[] confidences = PredictionsCsv.read(dir.resolve("first").resolve(ReportWriter.PREDICTIONS_CSV)).stream()
                .mapToDouble(Prediction::confidence).sorted().toArray();
        double withBox = confidences[TEST_IMAGES / 3];
        double noBox = confidences[2 * TEST_IMAGES / 3];
        Path bundleFile = dir.resolve("stored.bundle");
        trained.withMetadata(trained.metadata().withThresholds(Thresholds.fromKeys(
                Map.of("0.98", withBox, "no-box 0.98", noBox), "val", "val"))).save(bundleFile);
        for (boolean asFound : new boolean[] {false, true}) {
            Path out = dir.resolve(asFound ? "found" : "given");
            List<String> args = new java.util.ArrayList<>(List.of("--model", bundleFile.toString(), "--data",
                    test.toString(), "--out", out.toString(), "--batch-size", "8"));
            if (asFound) {
                args.add("--boxes-as-found");
            }
            StringWriter stdout = new StringWriter();
            assertEquals(0, evaluate(stdout, args.toArray(String[]::new)), stdout.toString());
            double t = asFound ? noBox : withBox;
            List<Prediction> read = PredictionsCsv.read(out.resolve(ReportWriter.PREDICTIONS_CSV));
            long answered = read.stream().filter(p -> p.transcribable() && p.confidence() >= t).count();
            long right = read.stream().filter(p -> p.transcribable() && p.confidence() >= t
                    && p.answer().equals(p.truth())).count();
            assertTrue(answered > 0 && answered < TEST_IMAGES, "the fixture answers some at " + t + ": " + answered);
            String expected = String.format(Locale.ROOT, "at the bundle's stored 98%% threshold for %s (%s): %s of test answered"
                            + " (%d of %d), accuracy there %s", asFound ? "photos without a box" : "a caller's box",
                    ReportWriter.formatThreshold(t), percent(answered / (double) TEST_IMAGES), answered, TEST_IMAGES,
                    percent(right / (double) answered));
            assertTrue(stdout.toString().contains(expected), expected + " in " + stdout);
            assertEquals(asFound ? "the CSV's boxes, read as found" : "the CSV's boxes",
                    ReportWriter.jsonMapper().readTree(out.resolve(ReportWriter.REPORT_JSON).toFile())
                            .get("boxes").asText());
        }
        // A bundle with no no-box threshold answers photos without a box at its with-box one, and says so.
        Path withBoxOnly = dir.resolve("with-box-only.bundle");
        trained.withMetadata(trained.metadata().withThresholds(Thresholds.fromKeys(Map.of("0.98", withBox), "val")))
                .save(withBoxOnly);
        StringWriter stdout = new StringWriter();
        assertEquals(0, evaluate(stdout, "--model", withBoxOnly.toString(), "--data", test.toString(), "--out",
                dir.resolve("found-with-box-only").toString(), "--batch-size", "8", "--boxes-as-found"), stdout.toString());
        String expected = "at the bundle's stored 98% threshold for photos without a box (the caller's-box one: the"
                + " bundle has no no-box threshold) (" + ReportWriter.formatThreshold(withBox) + ")";
        assertTrue(stdout.toString().contains(expected), expected + " in " + stdout);
    }

    /** Each way of using the CSV's boxes excludes the others, said as a sentence before any model is read. */
    @Test
    void boxesReadAsFoundExcludeNoBoxAndWriteThreshold(@TempDir Path dir) {
        Path missing = dir.resolve("no-such.bundle");
        Map<String, String> refused = Map.of(
                "--no-box", "--no-box gives no box, so there is none to read as found",
                "--write-threshold", "--write-threshold calibrates a path as the service reads it; boxes read as"
                        + " found (--boxes-as-found) are no path's, so they cannot calibrate one");
        for (Map.Entry<String, String> other : refused.entrySet()) {
            assertEquals("error: " + other.getValue(), refusal("--model", missing.toString(), "--data", test.toString(),
                    "--out", dir.resolve("report").toString(), "--boxes-as-found", other.getKey()).strip());
        }
    }

    /** What a refused evaluate prints, as the launcher prints a failure: one "error: " line, no stack trace. */
    private static String refusal(String... args) {
        StringWriter stderr = new StringWriter();
        CommandLine cli = new CommandLine(new EvaluateCommand());
        cli.setErr(new PrintWriter(stderr));
        cli.setExecutionExceptionHandler((e, c, parsed) -> {
            c.getErr().println("error: " + e.getMessage());
            return 2;
        });
        assertNotEquals(0, cli.execute(args));
        return stderr.toString();
    }

    @Test
    void withoutValidationItWarnsThatStoredThresholdsComeFromTest(@TempDir Path dir) throws Exception {
        Path bundleFile = TestBundles.tinyBundleFile(dir);
        Path out = dir.resolve("report");
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        CommandLine cli = new CommandLine(new EvaluateCommand());
        cli.setOut(new PrintWriter(stdout));
        cli.setErr(new PrintWriter(stderr));
        assertEquals(0, cli.execute("--model", bundleFile.toString(), "--data", test.toString(), "--out",
                out.toString(), "--write-threshold", "--limit", "10"), stderr.toString());
        JsonNode json = ReportFolderCheck.check(out, 10);
        assertEquals("test", json.get("calibration").get("chosenOn").asText());
        assertTrue(stderr.toString().contains("thresholds chosen on the test set"), stderr.toString());
        assertTrue(stdout.toString().contains("chosen on test"), stdout.toString());
    }

    @Test
    void aMissingBundleIsAnErrorNamingTheFile(@TempDir Path dir) {
        Path missing = dir.resolve("no-such.bundle");
        String stderr = refusal("--model", missing.toString(), "--data", test.toString(), "--out",
                dir.resolve("report").toString());
        assertTrue(stderr.contains(missing.toString()), stderr);
        assertTrue(!Files.exists(dir.resolve("report")), "no report folder for a failed evaluation");
    }

    /** Runs the command; what it wrote to stderr is appended to {@code stdout} after "stderr: ". */
    static int evaluate(StringWriter stdout, String... args) {
        StringWriter stderr = new StringWriter();
        CommandLine cli = new CommandLine(new EvaluateCommand());
        cli.setOut(new PrintWriter(stdout));
        cli.setErr(new PrintWriter(stderr));
        int exit = cli.execute(args);
        stdout.append("\nstderr: ").append(stderr.toString());
        return exit;
    }

    /** As the command prints a fraction: exact when short (98%, 12.5%), else two decimals. */
    private static String percent(double fraction) {
        String exact = new java.math.BigDecimal(Double.toString(fraction)).movePointRight(2).stripTrailingZeros()
                .toPlainString();
        return (exact.length() <= 5 ? exact : String.format(Locale.ROOT, "%.2f", 100 * fraction)) + "%";
    }

    private static int sum(JsonNode counts) {
        int total = 0;
        for (JsonNode n : counts) {
            total += n.asInt();
        }
        return total;
    }
}
