package dev.streetnum.batch;

import dev.streetnum.model.ModelBundle;
import dev.streetnum.onnx.Engine;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code streetnum batch}: transcribes a folder or a manifest of images into a table with Apache
 * Spark, in this JVM (local mode) unless given a cluster's master.
 */
@Command(name = "streetnum batch", mixinStandardHelpOptions = true, versionProvider = BatchCommand.Version.class,
        modelTransformer = BatchCommand.Columns.class,
        description = "Transcribes a folder or manifest of images into a Parquet or CSV table with Apache Spark:"
                + " local mode on this machine by default, or any Spark master.")
public final class BatchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--input", required = true, paramLabel = "DIR|MANIFEST",
            description = {"a folder of PNG/JPEG images, with an optional labels.csv (its digit boxes give each image's"
                    + " box and its truth: the job then prints accuracy and coverage), or a manifest CSV with the header"
                    + " path,left,top,width,height, or a Parquet manifest (a file or folder named *.parquet) with those columns"
                    + " (box columns optional; relative paths are relative to the manifest)."
                    + " Local paths or Hadoop URIs."})
    String input;

    @Option(names = "--output", required = true, paramLabel = "OUT", description = "the output folder (a Spark table)")
    String output;

    @Option(names = "--model", paramLabel = "BUNDLE", defaultValue = ModelBundle.SHIPPED,
            description = "the model bundle file (default: the shipped models/streetnum-cpu.bundle)")
    String model;

    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = Engine.DEFAULT, converter = Engine.Converter.class,
            description = Engine.OPTION_HELP)
    Engine engine;

    @Option(names = "--master", paramLabel = "URL",
            description = "the Spark master: local[*] (default; the spark.master that spark-submit sets wins), local[2],"
                    + " spark://host:7077, yarn, k8s://...")
    String master;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "error-if-exists",
            description = "when OUT exists: error-if-exists (default) or overwrite (replace it whole)")
    String mode;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "parquet",
            description = "parquet (default) or csv (with a header)")
    String format;

    @Option(names = "--threshold", paramLabel = "T",
            description = "refuse answers with P(S|x) below T (default: the bundle's threshold for 98%% accuracy)")
    Double threshold;

    @Option(names = "--micro-batch", paramLabel = "N", defaultValue = "" + BatchConfig.DEFAULT_MICRO_BATCH,
            description = "images per forward pass (default: ${DEFAULT-VALUE})")
    int microBatch;

    @Option(names = "--ui-port", paramLabel = "PORT", defaultValue = "" + BatchConfig.DEFAULT_UI_PORT,
            description = "the Spark UI's port while the job runs, 0 for none (default: ${DEFAULT-VALUE})")
    int uiPort;

    /** Starts the job's Spark session from its master and UI port; a test's may refuse to. */
    BiFunction<String, Integer, SparkSession> sessions = BatchSessions::create;

    /** The help's list of the output's columns, read off {@link TranscriptionRows#SCHEMA}: one list to keep. */
    static final class Columns implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec command) {
            List<String> description = new ArrayList<>(List.of(command.usageMessage().description()));
            description.add("Columns: " + String.join(", ", TranscriptionRows.SCHEMA.fieldNames()) + ".");
            command.usageMessage().description(description.toArray(String[]::new));
            return command;
        }
    }

    /** The same version line as the launcher's other commands. */
    static final class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"streetnum " + dev.streetnum.data.StreetnumVersion.VERSION};
        }
    }

    @Override
    public Integer call() {
        String chosenMaster = master != null ? master : System.getProperty("spark.master", BatchConfig.DEFAULT_MASTER);
        BatchConfig config = new BatchConfig(input, output, model, engine, chosenMaster, BatchConfig.WriteMode.parse(mode),
                BatchConfig.OutputFormat.parse(format), threshold, microBatch, uiPort);
        PrintWriter out = spec.commandLine().getOut();
        // Bad input that needs no session is refused before Spark's seconds of start-up.
        BatchJob.DriverInputs checked = BatchJob.check(config,
                BatchSessions.hadoopConfiguration(config.master(), config.uiPort()));
        SparkSession spark = sessions.apply(config.master(), config.uiPort());
        try {
            out.println("batch: Spark " + spark.version() + ", master " + spark.sparkContext().master()
                    + (spark.sparkContext().uiWebUrl().isDefined() ? ", UI " + spark.sparkContext().uiWebUrl().get() : ""));
            out.flush();
            BatchSummary summary = new BatchJob(spark).run(config, checked);
            summary.print(out);
            out.println("batch: wrote " + config.output());
            out.flush();
            return summary.eachImageOnce() ? 0 : 1;
        } finally {
            spark.stop();
        }
    }
}
