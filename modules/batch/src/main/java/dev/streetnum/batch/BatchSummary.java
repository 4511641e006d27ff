package dev.streetnum.batch;

import dev.streetnum.model.AcceptanceThreshold;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * What a finished job wrote and, when the input gave the truth, how well it read.
 *
 * @param rows            rows in the output table
 * @param distinctFiles   distinct files among them (equal to rows: each image exactly once)
 * @param expected        images the input asked for (-1 when a folder listing decided)
 * @param errors          rows whose image could not be read
 * @param accepted        rows answered at the threshold
 * @param withTruth       rows whose truth the input gave
 * @param correct         of those, rows whose candidate is the truth (sequence accuracy's numerator)
 * @param acceptedWithTruth of those, rows answered at the threshold (coverage's numerator)
 * @param acceptedCorrect of those, accepted rows that are right
 * @param threshold       the P(S|x) threshold answers were judged at
 * @param modelId         the model's id
 * @param seconds         the transcription job's wall time (reading, decoding, network, writing)
 * @param modelLoadMillis milliseconds executors spent loading the model (inside {@code seconds}, in
 *                        parallel across executors)
 * @param modelCopies     copies of the model loaded (one per task running at once on an executor JVM)
 * @param partitions      partitions transcribed
 */
public record BatchSummary(
        long rows,
        long distinctFiles,
        long expected,
        long errors,
        long accepted,
        long withTruth,
        long correct,
        long acceptedWithTruth,
        long acceptedCorrect,
        AcceptanceThreshold threshold,
        String modelId,
        double seconds,
        long modelLoadMillis,
        long modelCopies,
        int partitions) {

    /** Whether every image asked for is in the output exactly once. */
    public boolean eachImageOnce() {
        return rows == distinctFiles && (expected < 0 || rows == expected);
    }

    public void print(PrintWriter out) {
        out.printf(Locale.ROOT, "batch: %d rows (%d errors), %d accepted at P(S|x) >= %s, model %s%n",
                rows, errors, accepted, threshold, modelId);
        out.printf(Locale.ROOT, "batch: %d partitions in %.1f s: %.1f images/s; model loading %.1f s for %d cop%s"
                        + " (within that time, in parallel across executors)%n",
                partitions, seconds, seconds > 0 ? rows / seconds : 0, modelLoadMillis / 1000.0, modelCopies,
                modelCopies == 1 ? "y" : "ies");
        out.printf(Locale.ROOT, "batch: each image exactly once: %s (%d rows, %d distinct files%s)%n",
                eachImageOnce() ? "yes" : "NO", rows, distinctFiles, expected < 0 ? "" : ", " + expected + " asked for");
        if (withTruth > 0) {
            out.printf(Locale.ROOT, "batch: sequence accuracy %.2f%% (%d/%d); coverage %.2f%% at the threshold, accuracy there %s%n",
                    100.0 * correct / withTruth, correct, withTruth, 100.0 * acceptedWithTruth / withTruth,
                    acceptedWithTruth == 0 ? "n/a" : String.format(Locale.ROOT, "%.2f%% (%d/%d)",
                            100.0 * acceptedCorrect / acceptedWithTruth, acceptedCorrect, acceptedWithTruth));
        }
        out.flush();
    }
}
