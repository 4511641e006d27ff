package dev.streetnum.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.AnnotatedImage;
import dev.streetnum.data.DataException;
import dev.streetnum.data.ImageDecoder;
import dev.streetnum.model.BoxSource;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.TestBundles;
import dev.streetnum.model.Transcriber;
import dev.streetnum.model.Transcription;
import dev.streetnum.model.fast.CpuAcceleration;
import dev.streetnum.onnx.Engine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job in local mode with two task threads: rows equal Transcriber's, bad images are error rows, inputs and modes. */
class BatchJobTest {

    @TempDir
    static Path dir;

    private static SparkSession spark;
    private static Path bundle;
    private static Path labelled;

    @BeforeAll
    static void start() {
        CpuAcceleration.enable(); // as the executors do, so the reference network is built the same way
        spark = BatchFixtures.session("local[2]");
        bundle = BatchFixtures.bundle(dir);
        labelled = BatchFixtures.labelledSet(dir.resolve("labelled"));
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static BatchConfig config(String input, Path output, BatchConfig.WriteMode mode, BatchConfig.OutputFormat format) {
        return config(input, output, Engine.DL4J, mode, format);
    }

    private static BatchConfig config(String input, Path output, Engine engine, BatchConfig.WriteMode mode,
                                      BatchConfig.OutputFormat format) {
        return new BatchConfig(input, output.toString(), bundle.toString(), engine, "local[2]", mode, format, null, 4, 0);
    }

    private static Map<String, Row> byFile(Path output, BatchConfig.OutputFormat format) {
        Map<String, Row> rows = new HashMap<>();
        for (Row r : spark.read().schema(TranscriptionRows.SCHEMA).format(format.source()).options(format.options())
                .load(output.toString()).collectAsList()) {
            assertNull(rows.put(r.getAs("file"), r), "each file once: " + r.getAs("file"));
        }
        return rows;
    }

    @Test
    void everyRowIsTranscribersAnswerForItsImageAndBox() throws Exception {
        Path out = dir.resolve("out-labelled");
        BatchSummary summary = new BatchJob(spark).run(config(labelled.toString(), out,
                BatchConfig.WriteMode.ERROR_IF_EXISTS, BatchConfig.OutputFormat.PARQUET));
        assertTrue(Files.exists(out.resolve("_SUCCESS")), "the job committed");
        assertEquals(BatchFixtures.GOOD_IMAGES + 2, summary.rows());
        assertTrue(summary.eachImageOnce());
        assertEquals(2, summary.errors());
        assertEquals(BatchFixtures.GOOD_IMAGES + 2, summary.withTruth(), "labels.csv gave every image's truth");
        // Tasks borrow a loaded copy of the model and give it back: never more copies than task threads.
        assertTrue(summary.modelCopies() <= 2, summary.modelCopies() + " copies of the model for local[2]'s two threads");

        assertRowsAreReferenceAnswers(out, summary, 1e-5);
    }

    @Test
    void theOnnxEngineAnswersAsDl4jDoes() throws Exception {
        Path out = dir.resolve("out-onnx");
        BatchSummary summary = new BatchJob(spark).run(config(labelled.toString(), out, Engine.ONNX,
                BatchConfig.WriteMode.ERROR_IF_EXISTS, BatchConfig.OutputFormat.PARQUET));
        assertEquals(BatchFixtures.GOOD_IMAGES + 2, summary.rows());
        assertEquals(2, summary.errors(), "bad images are error rows on ONNX Runtime too");
        // The export equals DL4J within 1e-4 per output (onnx module's tests); P(S|x) multiplies six of them.
        assertRowsAreReferenceAnswers(out, summary, 1e-3);
    }

    @Test
    void anInt8EngineForABundleWithoutItsInt8ModelIsRefusedBeforeAnyTask() {
        DataException e = assertThrows(DataException.class, () -> new BatchJob(spark).ship(bundle, Engine.ONNX_INT8, null));
        assertTrue(e.getMessage().contains("has no int8 network"), e.getMessage());
        assertTrue(e.getMessage().contains("streetnum quantize"), e.getMessage());
    }

    /**
     * Each good image's row is the DL4J transcriber's answer for its image and box: the candidate, P(S|x)
     * (within {@code relativeTolerance}), acceptance at the stored threshold and the alternatives; the
     * summary's counts agree.
     */
    private static void assertRowsAreReferenceAnswers(Path out, BatchSummary summary, double relativeTolerance) throws Exception {
        Map<String, Row> rows = byFile(out, BatchConfig.OutputFormat.PARQUET);
        Transcriber reference = new Transcriber(ModelBundle.load(bundle));
        ObjectMapper json = new ObjectMapper();
        int accepted = 0;
        int correct = 0;
        for (AnnotatedImage image : AnnotatedDataset.load(labelled, false).images()) {
            String file = image.file().getFileName().toString();
            if (file.equals(BatchFixtures.NOT_AN_IMAGE) || file.equals(BatchFixtures.TRUNCATED)) {
                continue;
            }
            Row row = rows.get(file);
            assertNotNull(row, file + " has a row");
            Transcription expected;
            try (Mat m = ImageDecoder.read(image.file())) {
                expected = reference.transcribe(List.of(m), List.of(image.region())).get(0);
            }
            assertNull(row.getAs("error"), file);
            assertEquals(expected.candidate(), row.getAs("candidate"), file);
            assertEquals(expected.confidence(), (double) row.getAs("confidence"), relativeTolerance * expected.confidence(), file);
            boolean ok = expected.acceptedAt(BatchFixtures.THRESHOLD);
            assertEquals(ok, row.<Boolean>getAs("accepted"), file);
            assertEquals(ok ? expected.candidate() : null, row.getAs("text"), file);
            assertEquals("tiny-test-1", row.getAs("model"));
            assertEquals(List.of(expected.box().left(), expected.box().top(), expected.box().width(),
                    expected.box().height()), List.of(row.<Integer>getAs("box_left"), row.<Integer>getAs("box_top"),
                    row.<Integer>getAs("box_width"), row.<Integer>getAs("box_height")), file + ": the region read");
            assertEquals(expected.boxSource().label(), row.getAs("box_source"), file);
            List<String> alternatives = new ArrayList<>();
            for (JsonNode a : json.readTree(row.<String>getAs("alternatives"))) {
                alternatives.add(a.get("text").asText());
            }
            assertEquals(expected.alternatives().stream().map(Transcription.Alternative::text).toList(), alternatives, file);
            accepted += ok ? 1 : 0;
            correct += expected.candidate().equals(image.number()) ? 1 : 0;
        }
        assertEquals(accepted, summary.accepted());
        assertEquals(correct, summary.correct(), "the summary scores candidates against labels.csv");
    }

    @Test
    void unreadableAndTruncatedImagesAreErrorRowsNotAFailedJob() {
        Path out = dir.resolve("out-errors");
        new BatchJob(spark).run(config(labelled.toString(), out, BatchConfig.WriteMode.ERROR_IF_EXISTS,
                BatchConfig.OutputFormat.PARQUET));
        Map<String, Row> rows = byFile(out, BatchConfig.OutputFormat.PARQUET);
        Row notAnImage = rows.get(BatchFixtures.NOT_AN_IMAGE);
        Row truncated = rows.get(BatchFixtures.TRUNCATED);
        assertTrue(notAnImage.<String>getAs("error").contains("not a decodable PNG or JPEG"), notAnImage.toString());
        assertTrue(truncated.<String>getAs("error").contains("truncated PNG"), truncated.toString());
        for (Row bad : List.of(notAnImage, truncated)) {
            assertNull(bad.getAs("box_left"));
            assertNull(bad.getAs("box_source"));
            assertFalse(bad.<Boolean>getAs("accepted"));
            assertNull(bad.getAs("text"));
            assertNull(bad.getAs("candidate"));
            assertNull(bad.getAs("confidence"));
        }
    }

    @Test
    void aManifestWithAndWithoutBoxesAndAMissingFileToCsv() throws Exception {
        Path images = dir.resolve("labelled");
        String first = BatchFixtures.firstImage(images);
        String second = AnnotatedDataset.load(images, false).images().get(1).file().getFileName().toString();
        String third = AnnotatedDataset.load(images, false).images().get(2).file().getFileName().toString();
        Path manifest = dir.resolve("manifest.csv");
        // Saved by a spreadsheet: a byte-order mark before the header's first name.
        Files.writeString(manifest, "\ufeffpath,left,top,width,height\n"
                + "labelled/" + first + ",2,2,30,20\n"
                + images.resolve(second).toAbsolutePath().toUri() + ",,,,\n"
                + "labelled/no-such-photo.png,1,1,5,5\n"
                + "labelled/" + third + ",5000,5000,10,10\n", StandardCharsets.UTF_8);
        Path out = dir.resolve("out-manifest");
        BatchSummary summary = new BatchJob(spark).run(config(manifest.toString(), out,
                BatchConfig.WriteMode.ERROR_IF_EXISTS, BatchConfig.OutputFormat.CSV));
        assertEquals(4, summary.rows());
        assertTrue(summary.eachImageOnce());
        assertEquals(0, summary.withTruth(), "a manifest has no truth");
        Map<String, Row> rows = byFile(out, BatchConfig.OutputFormat.CSV);
        // Named as the manifest wrote it, not as the file: URI the job looked for.
        assertEquals("image file not found: labelled/no-such-photo.png",
                rows.get("labelled/no-such-photo.png").<String>getAs("error"));
        String offImage = rows.get("labelled/" + third).getAs("error");
        assertTrue(offImage != null && offImage.contains("box 5000,5000,10,10 (left,top,width,height) lies outside the"),
                "a box off its photo is an error row: " + offImage);
        // Read by a plain RFC 4180 parser, not Spark: every column a field, the alternatives one JSON array.
        int read = 0;
        try (var parts = Files.list(out)) {
            for (Path part : parts.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
                try (var parser = org.apache.commons.csv.CSVFormat.RFC4180.builder().setHeader()
                        .setSkipHeaderRecord(true).get().parse(Files.newBufferedReader(part))) {
                    for (var record : parser) {
                        assertEquals(TranscriptionRows.SCHEMA.size(), record.size(), part + ": " + record);
                        String alternatives = record.get("alternatives");
                        if (!alternatives.isEmpty()) {
                            assertTrue(new com.fasterxml.jackson.databind.ObjectMapper().readTree(alternatives)
                                    .isArray(), alternatives);
                        }
                        read++;
                    }
                }
            }
        }
        assertEquals(4, read);

        Transcriber reference = new Transcriber(ModelBundle.load(bundle));
        try (Mat m = ImageDecoder.read(images.resolve(first))) {
            Transcription boxed = reference.transcribe(List.of(m), List.of(dev.streetnum.data.Box.parse("2,2,30,20"))).get(0);
            assertEquals(boxed.confidence(), (double) rows.get("labelled/" + first).getAs("confidence"), 1e-5 * boxed.confidence());
        }
        try (Mat m = ImageDecoder.read(images.resolve(second))) {
            Transcription whole = reference.transcribe(List.of(m), java.util.Collections.singletonList(null)).get(0);
            assertEquals(whole.confidence(), (double) rows.get(images.resolve(second).toAbsolutePath().toUri().toString())
                    .getAs("confidence"), 1e-5 * whole.confidence(), "empty box fields: no box");
        }
    }

    @Test
    void errorIfExistsRefusesAndOverwriteReplacesWithoutDuplicates() {
        Path out = dir.resolve("out-modes[2]"); // glob characters in the name: written and read back as themselves
        BatchJob job = new BatchJob(spark);
        job.run(config(labelled.toString(), out, BatchConfig.WriteMode.ERROR_IF_EXISTS, BatchConfig.OutputFormat.PARQUET));
        DataException refused = assertThrows(DataException.class, () -> job.run(config(labelled.toString(), out,
                BatchConfig.WriteMode.ERROR_IF_EXISTS, BatchConfig.OutputFormat.PARQUET)));
        assertTrue(refused.getMessage().contains("--mode overwrite"), refused.getMessage());
        BatchSummary again = job.run(config(labelled.toString(), out, BatchConfig.WriteMode.OVERWRITE,
                BatchConfig.OutputFormat.PARQUET));
        assertEquals(BatchFixtures.GOOD_IMAGES + 2, again.rows(), "a re-run replaces the table, it does not add to it");
        assertTrue(again.eachImageOnce());
    }

    @Test
    void aFolderWithoutLabelsReadsEveryImageWhole() throws Exception {
        Path plain = Files.createDirectories(dir.resolve("plain"));
        String first = BatchFixtures.firstImage(labelled);
        Files.copy(labelled.resolve(first), plain.resolve("a.png"));
        Files.copy(labelled.resolve(first), plain.resolve("b.PNG"));
        Files.writeString(plain.resolve("notes.txt"), "not listed: not an image name");
        Path out = dir.resolve("out-plain");
        BatchSummary summary = new BatchJob(spark).run(config(plain.toString(), out,
                BatchConfig.WriteMode.ERROR_IF_EXISTS, BatchConfig.OutputFormat.PARQUET));
        assertEquals(2, summary.rows());
        assertEquals(0, summary.errors());
        Map<String, Row> rows = byFile(out, BatchConfig.OutputFormat.PARQUET);
        assertEquals(java.util.Set.of("a.png", "b.PNG"), rows.keySet());
        assertEquals((double) rows.get("a.png").getAs("confidence"), (double) rows.get("b.PNG").getAs("confidence"), 1e-9);
    }

    @Test
    void aBundleWithoutAThresholdIsRefusedNamingTheFileUnlessOneIsGiven() {
        Path file = dir.resolve("uncalibrated" + ModelBundle.EXTENSION);
        TestBundles.tiny(1).save(file);
        BatchJob job = new BatchJob(spark);
        DataException e = assertThrows(DataException.class, () -> job.ship(file, Engine.DL4J, null));
        assertTrue(e.getMessage().contains("(" + file + ") has no threshold calibrated for"), e.getMessage());
        assertTrue(e.getMessage().contains("give --threshold"), e.getMessage());
        assertEquals(0.5, job.ship(file, Engine.DL4J, 0.5).threshold().forSource(BoxSource.LOCALIZED));
    }

    @Test
    void aBadManifestRowIsAnErrorNamingFileLineAndField() throws Exception {
        Path manifest = dir.resolve("bad-manifest.csv");
        Files.writeString(manifest, "path,left,top,width,height\na.png,1,2,3,4\nb.png,1,x,3,4\n", StandardCharsets.UTF_8);
        DataException e = assertThrows(DataException.class,
                () -> ImageTable.read(manifest.toString(), spark));
        assertTrue(e.getMessage().contains("bad-manifest.csv line 3: field 'top' is not an integer: 'x'"), e.getMessage());
        DataException missing = assertThrows(DataException.class,
                () -> ImageTable.read(dir.resolve("nothing-here").toString(), spark));
        assertTrue(missing.getMessage().startsWith("input not found"), missing.getMessage());
    }

    @Test
    void aParquetManifestIsCheckedAsACsvOneIs() throws Exception {
        Path images = dir.resolve("labelled");
        String first = BatchFixtures.firstImage(images);
        String second = images.resolve(AnnotatedDataset.load(images, false).images().get(1).file().getFileName())
                .toAbsolutePath().toUri().toString();
        org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
                .add("path", "string").add("left", "int").add("top", "int").add("width", "int").add("height", "int");
        Path manifest = dir.resolve("manifest.parquet");
        spark.createDataFrame(List.of(org.apache.spark.sql.RowFactory.create("labelled/" + first, 2, 2, 30, 20),
                org.apache.spark.sql.RowFactory.create(second, null, null, null, null)), schema)
                .coalesce(1).write().parquet(manifest.toString());
        List<ImageRequest> requests = ImageTable.read(manifest.toString(), spark).requests().orElseThrow();
        assertEquals(2, requests.size());
        assertEquals("labelled/" + first, requests.get(0).file());
        assertEquals(new dev.streetnum.data.Box(2, 2, 30, 20), requests.get(0).box());
        // Relative to the manifest's folder, as for a CSV manifest.
        assertEquals(images.resolve(first).toAbsolutePath(), Path.of(java.net.URI.create(requests.get(0).path())));
        assertNull(requests.get(1).box(), "null box fields: no box");

        Path bad = dir.resolve("bad-manifest.parquet");
        spark.createDataFrame(List.of(org.apache.spark.sql.RowFactory.create("a.png", 1, 1, -3, 4)), schema)
                .coalesce(1).write().parquet(bad.toString());
        // Before the session (BatchJob.check) the manifest is only found; its rows are read through the session.
        ImageTable found = ImageTable.read(bad.toString(), BatchSessions.hadoopConfiguration("local[2]", 0));
        DataException e = assertThrows(DataException.class, () -> found.complete(spark));
        assertTrue(e.getMessage().contains("bad-manifest.parquet row 1: box width and height must be positive"), e.getMessage());
    }
}
