package dev.streetnum.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.onnx.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task that fails after writing part of its partition is retried by Spark, and the commit protocol
 * keeps only the successful attempt's file: each image is in the output exactly once.
 */
class TaskRetryTest {

    /** Rows the failing attempt writes before it fails, so a half-written attempt file exists. */
    private static final int ROWS_BEFORE_FAILURE = 3;
    /** Attempts that failed (the test runs in one JVM: local mode). */
    private static final AtomicInteger FAILURES = new AtomicInteger();

    @TempDir
    static Path dir;

    private static SparkSession spark;

    @BeforeAll
    static void start() {
        // local[N,F]: N task threads, each task tried up to F times (plain local[N] never retries).
        spark = BatchFixtures.session("local[2,2]");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** Passes rows through; the first attempt of partition 0 fails after a few rows. */
    static final class FailFirstAttempt implements MapPartitionsFunction<Row, Row> {
        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            TaskContext task = TaskContext.get();
            boolean fail = task.partitionId() == 0 && task.attemptNumber() == 0;
            return new Iterator<>() {
                private int given;

                @Override
                public boolean hasNext() {
                    if (fail && given == ROWS_BEFORE_FAILURE) {
                        FAILURES.incrementAndGet();
                        throw new IllegalStateException("injected failure in attempt 0 of partition 0");
                    }
                    return rows.hasNext();
                }

                @Override
                public Row next() {
                    given++;
                    return rows.next();
                }
            };
        }
    }

    @Test
    void aFailedTaskIsRetriedAndEachImageIsWrittenOnce() {
        Path labelled = BatchFixtures.labelledSet(dir.resolve("labelled"));
        BatchJob job = new BatchJob(spark);
        ImageTable table = ImageTable.read(labelled.toString(), spark);
        ShippedModel model = job.ship(BatchFixtures.bundle(dir), Engine.ONNX, null);
        Dataset<Row> rows = job.transcriptions(table, model, 2)
                .mapPartitions(new FailFirstAttempt(), Encoders.row(TranscriptionRows.SCHEMA));
        Path out = dir.resolve("out");
        job.write(rows, out.toString(), BatchConfig.WriteMode.ERROR_IF_EXISTS, BatchConfig.OutputFormat.PARQUET);

        assertEquals(1, FAILURES.get(), "the injected failure happened once, and its retry succeeded");
        assertTrue(Files.exists(out.resolve("_SUCCESS")));
        BatchSummary summary = job.summarize(out.toString(), BatchConfig.OutputFormat.PARQUET, table, model, 0, 0);
        assertEquals(BatchFixtures.GOOD_IMAGES + 2, summary.rows());
        assertTrue(summary.eachImageOnce(), "no image lost or duplicated: " + summary);
    }
}
