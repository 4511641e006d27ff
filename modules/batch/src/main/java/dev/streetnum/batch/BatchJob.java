package dev.streetnum.batch;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.substring_index;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.streetnum.data.DataException;
import dev.streetnum.data.Sha256;
import dev.streetnum.model.AcceptanceThreshold;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.TargetAccuracy;
import dev.streetnum.onnx.Engine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The batch transcription job (DESIGN section 9): images in through Spark's {@code binaryFile}
 * source, one {@link PartitionTranscriber} per partition, a table out through Spark's file commit
 * protocol, so a retried task or a re-run leaves neither duplicates nor half-written files.
 */
public final class BatchJob {

    /** The transcription's jobs run in this group; the progress display follows only them. */
    public static final String JOB_GROUP = "streetnum-batch";

    private static final StructType REQUEST_SCHEMA = new StructType()
            .add("file", DataTypes.StringType, false)
            .add("path", DataTypes.StringType, false)
            .add("left", DataTypes.IntegerType, true)
            .add("top", DataTypes.IntegerType, true)
            .add("width", DataTypes.IntegerType, true)
            .add("height", DataTypes.IntegerType, true);
    private static final StructType IMAGE_SCHEMA = new StructType()
            .add("file", DataTypes.StringType, false)
            .add("content", DataTypes.BinaryType, false)
            .add("left", DataTypes.IntegerType, true)
            .add("top", DataTypes.IntegerType, true)
            .add("width", DataTypes.IntegerType, true)
            .add("height", DataTypes.IntegerType, true);
    private static final StructType TRUTH_SCHEMA = new StructType()
            .add("file", DataTypes.StringType, false)
            .add("truth", DataTypes.StringType, false);

    private final SparkSession spark;

    public BatchJob(SparkSession spark) {
        this.spark = spark;
    }

    /**
     * The bundle as the driver reads it for one engine, before any Spark session: its file's bytes (to
     * broadcast), the engine's model id and the threshold applied.
     */
    public record DriverModel(byte[] bytes, Engine engine, String modelId, AcceptanceThreshold threshold) {
    }

    /**
     * What the driver reads before any Spark session: the model, and the images' table (a Parquet
     * manifest's rows still to read through the session: {@link ImageTable#complete}).
     */
    public record DriverInputs(DriverModel model, ImageTable images) {
    }

    /**
     * What a job refuses before its Spark session starts (Spark's start-up takes seconds; a refusal is one
     * line): the bundle read for its engine ({@link #read}), an output folder that exists under
     * {@code error-if-exists} ({@link #requireWritable}) and the input, read as far as it can be without
     * Spark ({@link ImageTable#read(String, Configuration)}: all but a Parquet manifest's rows). What it read
     * is what {@link #run(BatchConfig, DriverInputs)} uses: nothing is read twice.
     *
     * @param hadoop the file systems' configuration: the session's, or {@link BatchSessions#hadoopConfiguration}
     *               before it starts
     */
    public static DriverInputs check(BatchConfig config, Configuration hadoop) {
        DriverModel model = read(Path.of(config.model()), config.engine(), config.threshold());
        requireWritable(config.output(), config.mode(), hadoop);
        return new DriverInputs(model, ImageTable.read(config.input(), hadoop));
    }

    /**
     * Reads the bundle on the driver (a bad file, or an int8 engine for a bundle without its int8
     * model, fails here, before any session or task).
     *
     * @param engine    what runs the networks on the executors; its thresholds are the ones applied
     * @param threshold the P(S|x) threshold, or null for the engine's one calibrated for 98% accuracy
     */
    public static DriverModel read(Path bundleFile, Engine engine, Double threshold) {
        ModelBundle bundle = ModelBundle.load(bundleFile);
        String modelId;
        AcceptanceThreshold t;
        try {
            modelId = engine.modelId(bundle);
            t = AcceptanceThreshold.givenOr(threshold, engine.thresholds(bundle), TargetAccuracy.PAPER,
                    modelId + " (" + bundleFile + ")");
        } catch (IllegalArgumentException e) {
            throw new DataException(e.getMessage(), e);
        }
        try {
            return new DriverModel(Files.readAllBytes(bundleFile), engine, modelId, t);
        } catch (IOException e) {
            throw new DataException("cannot read model bundle " + bundleFile + ": " + e.getMessage(), e);
        }
    }

    /** Reads the bundle on the driver ({@link #read}) and broadcasts its bytes. */
    public ShippedModel ship(Path bundleFile, Engine engine, Double threshold) {
        return ship(read(bundleFile, engine, threshold));
    }

    /** Broadcasts the bundle's bytes, once to each executor. */
    public ShippedModel ship(DriverModel model) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return new ShippedModel(sc.broadcast(model.bytes()), Sha256.hex(model.bytes()), model.engine(), model.modelId(),
                model.threshold(), sc.sc().longAccumulator("model load ms"),
                sc.sc().longAccumulator("model copies loaded"));
    }

    /** The output table, one row per image (lazy: nothing runs until it is written). */
    public Dataset<Row> transcriptions(ImageTable table, ShippedModel model, int microBatch) {
        Column none = lit(null).cast(DataTypes.IntegerType);
        Dataset<Row> images;
        List<Row> notFound = new ArrayList<>();
        if (table.unlabelledFolder().isPresent()) {
            // A glob, not the folder: only the folder's own images, no partition discovery below it.
            String glob = new org.apache.hadoop.fs.Path(table.unlabelledFolder().get(), ImageTable.IMAGE_GLOB).toString();
            images = spark.read().format("binaryFile").load(glob)
                    .select(substring_index(col("path"), "/", -1).as("file"), col("content"),
                            none.as("left"), none.as("top"), none.as("width"), none.as("height"));
        } else {
            List<ImageRequest> requests = table.requests().orElseThrow();
            List<String> folders = existingFolders(requests);
            Set<String> listed = new HashSet<>();
            if (folders.isEmpty()) {
                images = spark.createDataFrame(List.of(), IMAGE_SCHEMA);
            } else {
                // Every file of the images' folders is listed; the broadcast join keeps the asked-for
                // ones and streams their contents through in one stage, without a shuffle.
                Dataset<Row> files = spark.read().format("binaryFile").option("recursiveFileLookup", "true")
                        .load(folders.toArray(String[]::new));
                for (String uri : files.inputFiles()) {
                    // The listing names files by URI (a space is %20); the path column by Hadoop's Path text.
                    listed.add(new org.apache.hadoop.fs.Path(java.net.URI.create(uri)).toString());
                }
                Dataset<Row> wanted = spark.createDataFrame(requestRows(requests), REQUEST_SCHEMA);
                images = files.select("path", "content").join(broadcast(wanted), "path")
                        .select("file", "content", "left", "top", "width", "height");
            }
            for (ImageRequest r : requests) {
                if (!listed.contains(r.path())) {
                    notFound.add(TranscriptionRows.error(r.file(), "image file not found: " + r.file(), model.modelId()));
                }
            }
        }
        Dataset<Row> answers = images.mapPartitions(new PartitionTranscriber(model, microBatch),
                Encoders.row(TranscriptionRows.SCHEMA));
        return notFound.isEmpty() ? answers : answers.union(spark.createDataFrame(notFound, TranscriptionRows.SCHEMA));
    }

    /** Writes through Spark's commit protocol: task output stays in {@code _temporary} until the job commits. */
    public void write(Dataset<Row> rows, String output, BatchConfig.WriteMode mode, BatchConfig.OutputFormat format) {
        requireWritable(output, mode, spark.sparkContext().hadoopConfiguration());
        DataFrameWriter<Row> writer = rows.write()
                .mode(mode == BatchConfig.WriteMode.OVERWRITE ? SaveMode.Overwrite : SaveMode.ErrorIfExists)
                .format(format.source()).options(format.options());
        writer.save(output);
    }

    /** Refuses an output folder that exists, unless {@code mode} replaces it. */
    static void requireWritable(String output, BatchConfig.WriteMode mode, Configuration hadoop) {
        if (mode == BatchConfig.WriteMode.ERROR_IF_EXISTS && exists(output, hadoop)) {
            throw new DataException("output " + output + " exists: give --mode overwrite to replace it, or another --output");
        }
    }

    /** Reads the written table back: counts, the exactly-once check and, with truth, accuracy and coverage. */
    public BatchSummary summarize(String output, BatchConfig.OutputFormat format, ImageTable table,
                                  ShippedModel model, double seconds, int partitions) {
        Dataset<Row> written = spark.read().schema(TranscriptionRows.SCHEMA).format(format.source())
                .options(format.options()).load(globEscaped(output));
        Row c = written.agg(count(lit(1)), countDistinct(col("file")),
                sum(when(col("error").isNotNull(), 1).otherwise(0)),
                sum(when(col("accepted"), 1).otherwise(0))).first();
        long withTruth = 0;
        long correct = 0;
        long acceptedWithTruth = 0;
        long acceptedCorrect = 0;
        if (table.hasTruth()) {
            List<Row> truth = new ArrayList<>();
            for (ImageRequest r : table.requests().orElseThrow()) {
                if (r.truth() != null) {
                    truth.add(RowFactory.create(r.file(), r.truth()));
                }
            }
            Column right = col("candidate").eqNullSafe(col("truth"));
            Row t = written.join(spark.createDataFrame(truth, TRUTH_SCHEMA), "file")
                    .agg(count(lit(1)), sum(when(right, 1).otherwise(0)),
                            sum(when(col("accepted"), 1).otherwise(0)),
                            sum(when(col("accepted").and(right), 1).otherwise(0))).first();
            withTruth = t.getLong(0);
            correct = t.isNullAt(1) ? 0 : t.getLong(1);
            acceptedWithTruth = t.isNullAt(2) ? 0 : t.getLong(2);
            acceptedCorrect = t.isNullAt(3) ? 0 : t.getLong(3);
        }
        long expected = table.requests().map(List::size).orElse(-1);
        return new BatchSummary(c.getLong(0), c.getLong(1), expected, c.isNullAt(2) ? 0 : c.getLong(2),
                c.isNullAt(3) ? 0 : c.getLong(3), withTruth, correct, acceptedWithTruth, acceptedCorrect,
                model.threshold(), model.modelId(), seconds, model.loadMillis().value(), model.copies().value(),
                partitions);
    }

    /** The whole job: input, model, transcription with progress on the console, the summary. */
    public BatchSummary run(BatchConfig config) {
        return run(config, check(config, spark.sparkContext().hadoopConfiguration()));
    }

    /** The whole job, its {@link #check} made (before the session started). */
    public BatchSummary run(BatchConfig config, DriverInputs checked) {
        ImageTable table = checked.images().complete(spark);
        ShippedModel model = ship(checked.model());
        Dataset<Row> rows = transcriptions(table, model, config.microBatch());
        BatchProgress progress = new BatchProgress(JOB_GROUP, table.images());
        spark.sparkContext().addSparkListener(progress);
        long start = System.nanoTime();
        try {
            spark.sparkContext().setJobGroup(JOB_GROUP, "streetnum batch: transcribe " + config.input(), true);
            write(rows, config.output(), config.mode(), config.format());
        } finally {
            spark.sparkContext().clearJobGroup();
            spark.sparkContext().removeSparkListener(progress);
            progress.close();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return summarize(config.output(), config.format(), table, model, seconds, progress.partitionsDone());
    }

    /** Reading globs its path: an output folder named {@code out-local[2]} must be read as itself. */
    static String globEscaped(String path) {
        return path.replaceAll("([\\[\\]{}*?])", "\\\\$1");
    }

    private static List<Row> requestRows(List<ImageRequest> requests) {
        List<Row> rows = new ArrayList<>(requests.size());
        for (ImageRequest r : requests) {
            rows.add(r.box() == null
                    ? RowFactory.create(r.file(), r.path(), null, null, null, null)
                    : RowFactory.create(r.file(), r.path(), r.box().left(), r.box().top(), r.box().width(), r.box().height()));
        }
        return rows;
    }

    /** The folders holding the requested images that exist (a missing folder's images are error rows). */
    private List<String> existingFolders(List<ImageRequest> requests) {
        Set<String> folders = new LinkedHashSet<>();
        for (ImageRequest r : requests) {
            folders.add(new org.apache.hadoop.fs.Path(r.path()).getParent().toString());
        }
        List<String> existing = new ArrayList<>();
        for (String folder : folders) {
            if (exists(folder, spark.sparkContext().hadoopConfiguration())) {
                existing.add(folder);
            }
        }
        return existing;
    }

    private static boolean exists(String path, Configuration hadoop) {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
        try {
            FileSystem fs = p.getFileSystem(hadoop);
            return fs.exists(p);
        } catch (IOException e) {
            throw new DataException("cannot check " + path + ": " + e.getMessage(), e);
        }
    }
}
