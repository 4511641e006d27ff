package dev.streetnum.batch;

import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * The Spark session of a batch job. Settings given by {@code spark-submit} (system properties) win
 * over these defaults, except the UI choice, which is the command's own option.
 */
public final class BatchSessions {

    /** Loopback: on this machine Spark must not pick another interface (issue 24). */
    static final String LOOPBACK = "127.0.0.1";

    private BatchSessions() {
    }

    /** A session for {@code master}; {@code uiPort} 0 turns Spark's UI off. */
    public static SparkSession create(String master, int uiPort) {
        return SparkSession.builder().config(conf(master, uiPort)).getOrCreate();
    }

    /**
     * The Hadoop configuration for checks made before the session starts ({@link BatchJob#check}): Hadoop's
     * defaults and site files, as the session's, with the {@code spark.hadoop.*} settings it would add.
     */
    public static Configuration hadoopConfiguration(String master, int uiPort) {
        Configuration hadoop = new Configuration();
        for (Tuple2<String, String> setting : conf(master, uiPort).getAllWithPrefix("spark.hadoop.")) {
            hadoop.set(setting._1(), setting._2());
        }
        return hadoop;
    }

    /** The configuration {@link #create} uses, for tests and spark-submit users to read. */
    public static SparkConf conf(String master, int uiPort) {
        SparkConf conf = new SparkConf(true);
        conf.setIfMissing("spark.master", master);
        conf.setIfMissing("spark.app.name", "streetnum batch");
        if (onThisMachine(conf.get("spark.master"))) {
            conf.setIfMissing("spark.driver.host", LOOPBACK);
            conf.setIfMissing("spark.driver.bindAddress", LOOPBACK);
        }
        conf.set("spark.ui.enabled", Boolean.toString(uiPort != 0));
        if (uiPort != 0) {
            conf.set("spark.ui.port", Integer.toString(uiPort));
        }
        // Our progress line replaces Spark's console bar ([Stage 0:>  ...]).
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        // DL4J networks are not thread-safe and ExecutorModels keeps one per task thread: one task
        // slot per executor means one network per executor JVM.
        conf.setIfMissing("spark.executor.cores", "1");
        conf.setIfMissing("spark.executor.memory", "1g");
        // One native thread per network: each executor has one core. libgomp reads these at load.
        conf.setIfMissing("spark.executorEnv.OMP_NUM_THREADS", "1");
        conf.setIfMissing("spark.executorEnv.OMP_WAIT_POLICY", "passive");
        // ND4J keeps tensors off-heap; JavaCPP's limit defaults to the heap size. Spark adds its own
        // Java 17 module flags to these (SparkContext.supplementJavaModuleOptions).
        conf.setIfMissing("spark.executor.extraJavaOptions",
                "-Djava.awt.headless=true -Dorg.bytedeco.javacpp.maxbytes=4G -Dorg.bytedeco.javacpp.maxphysicalbytes=6G");
        // binaryFile counts each file as spark.sql.files.openCostInBytes (4 MB) plus its size: 512 MB
        // makes tasks of about 128 small photos, so a task's fixed cost (its Parquet writer, its
        // scheduling) is spread over many images.
        conf.setIfMissing("spark.sql.files.maxPartitionBytes", "512m");
        // The job itself has no shuffle; only the summary's small aggregation does.
        conf.setIfMissing("spark.sql.shuffle.partitions", "4");
        return conf;
    }

    /** Whether the master runs in this JVM or on this machine's loopback. */
    static boolean onThisMachine(String master) {
        if (master.startsWith("local")) {
            return true;
        }
        if (!master.startsWith("spark://")) {
            return false;
        }
        String host = URI.create(master).getHost();
        return LOOPBACK.equals(host) || "localhost".equals(host);
    }
}
