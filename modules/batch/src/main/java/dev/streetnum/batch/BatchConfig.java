package dev.streetnum.batch;

import dev.streetnum.onnx.Engine;
import java.util.Locale;

/**
 * What one batch job does (issue 16/24): where the images are, where the table goes, which model
 * reads them and on which Spark master.
 *
 * @param input      a folder of images (with an optional {@code labels.csv} giving each image's box and
 *                   truth), or a manifest (CSV, or Parquet named {@code *.parquet}) {@code path,left,top,width,height}; a local path or any
 *                   Hadoop file system URI
 * @param output     the output folder (a Spark table: part files and {@code _SUCCESS})
 * @param model      the model bundle file, read on the driver and shipped to every executor
 * @param engine     what runs the bundle's networks on the executors (its thresholds with it: int8 has its own)
 * @param master     a Spark master URL: {@code local[*]} (the embedded default), {@code local[2]},
 *                   {@code spark://host:7077}, ...
 * @param mode       what to do when {@code output} exists
 * @param format     the output's file format
 * @param threshold  refuse answers with P(S|x) below it; null: the bundle's threshold calibrated for
 *                   98% accuracy
 * @param microBatch images per forward pass inside a partition
 * @param uiPort     the driver's Spark UI port; 0 turns the UI off
 */
public record BatchConfig(
        String input,
        String output,
        String model,
        Engine engine,
        String master,
        WriteMode mode,
        OutputFormat format,
        Double threshold,
        int microBatch,
        int uiPort) {

    /** The service's micro-batch size: the network's throughput levels off around 32 images. */
    public static final int DEFAULT_MICRO_BATCH = 32;
    /** Not Spark's 4040 (often taken by another Spark application) nor the service's 8080. */
    public static final int DEFAULT_UI_PORT = 4044;
    /** The embedded default: Spark's local mode with one task thread per core. */
    public static final String DEFAULT_MASTER = "local[*]";

    public BatchConfig {
        if (input == null || input.isBlank()) {
            throw new IllegalArgumentException("--input is required: a folder of images or a manifest (CSV or Parquet)");
        }
        if (output == null || output.isBlank()) {
            throw new IllegalArgumentException("--output is required: the folder the table is written to");
        }
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("--model is required: a model bundle file");
        }
        if (engine == null) {
            throw new IllegalArgumentException("--engine is required: dl4j, onnx or onnx-int8");
        }
        if (master == null || master.isBlank()) {
            throw new IllegalArgumentException("--master must name a Spark master, e.g. local[*] or spark://host:7077");
        }
        if (mode == null || format == null) {
            throw new IllegalArgumentException("--mode and --format need a value");
        }
        if (threshold != null && !(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("--threshold is a probability in [0, 1], got " + threshold);
        }
        if (microBatch < 1 || microBatch > 1024) {
            throw new IllegalArgumentException("--micro-batch is 1 to 1024 images, got " + microBatch);
        }
        if (uiPort != 0 && (uiPort < 1024 || uiPort > 65535)) {
            throw new IllegalArgumentException("--ui-port is 0 (no UI) or 1024-65535, got " + uiPort);
        }
    }

    /** Whether the job runs inside this JVM (Spark's local mode) rather than on a cluster's executors. */
    public boolean local() {
        return master.startsWith("local");
    }

    /** What to do when the output folder exists. A re-run with {@code overwrite} replaces it whole. */
    public enum WriteMode {
        OVERWRITE, ERROR_IF_EXISTS;

        /** The option's spelling: {@code overwrite}, {@code error-if-exists}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static WriteMode parse(String text) {
            for (WriteMode m : values()) {
                if (m.label().equalsIgnoreCase(text.trim())) {
                    return m;
                }
            }
            throw new IllegalArgumentException("--mode is overwrite or error-if-exists, got '" + text + "'");
        }
    }

    /** The output's file format. CSV has no nested types, so alternatives are a JSON text in both. */
    public enum OutputFormat {
        PARQUET, CSV;

        /** Spark's data source name. */
        public String source() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * Spark's options for writing and reading the table back. CSV: a header, and a quote inside a field
         * doubled (RFC 4180), as every CSV reader expects; Spark's default escapes it with a backslash, which
         * other readers split the alternatives' JSON on.
         */
        public java.util.Map<String, String> options() {
            return this == CSV ? java.util.Map.of("header", "true", "escape", "\"") : java.util.Map.of();
        }

        public static OutputFormat parse(String text) {
            for (OutputFormat f : values()) {
                if (f.source().equalsIgnoreCase(text.trim())) {
                    return f;
                }
            }
            throw new IllegalArgumentException("--format is parquet or csv, got '" + text + "'");
        }
    }
}
