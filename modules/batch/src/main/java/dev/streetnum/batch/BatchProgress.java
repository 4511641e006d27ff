package dev.streetnum.batch;

import dev.streetnum.data.ProgressDisplay;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import me.tongfei.progressbar.ProgressBar;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The console's view of the transcription job (the project's one progress display): images written
 * and images/s, with partitions done out of all. Counts only successful task attempts of the jobs in
 * one job group, so a retried partition is counted once, when it succeeds.
 */
final class BatchProgress extends SparkListener implements AutoCloseable {

    private static final String JOB_GROUP_PROPERTY = "spark.jobGroup.id";

    private final String jobGroup;
    private final ProgressBar bar;
    private final Set<Integer> stages = ConcurrentHashMap.newKeySet();
    private final AtomicInteger partitions = new AtomicInteger();
    private final AtomicInteger partitionsDone = new AtomicInteger();
    private final AtomicLong images = new AtomicLong();

    BatchProgress(String jobGroup, long expectedImages) {
        this.jobGroup = jobGroup;
        this.bar = ProgressDisplay.start("batch", expectedImages, " img");
    }

    @Override
    public void onJobStart(SparkListenerJobStart jobStart) {
        if (jobStart.properties() == null || !jobGroup.equals(jobStart.properties().getProperty(JOB_GROUP_PROPERTY))) {
            return;
        }
        for (StageInfo stage : CollectionConverters.asJava(jobStart.stageInfos())) {
            if (stages.add(stage.stageId())) {
                partitions.addAndGet(stage.numTasks());
            }
        }
        show();
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
        if (!stages.contains(taskEnd.stageId()) || !taskEnd.taskInfo().successful()) {
            return;
        }
        partitionsDone.incrementAndGet();
        if (taskEnd.taskMetrics() != null) {
            images.addAndGet(taskEnd.taskMetrics().outputMetrics().recordsWritten());
        }
        show();
    }

    private synchronized void show() {
        bar.stepTo(images.get());
        bar.setExtraMessage(" " + partitionsDone.get() + "/" + partitions.get() + " partitions");
    }

    /** Partitions done so far. */
    int partitionsDone() {
        return partitionsDone.get();
    }

    @Override
    public synchronized void close() {
        bar.close();
    }
}
