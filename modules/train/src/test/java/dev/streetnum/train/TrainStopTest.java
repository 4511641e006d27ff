package dev.streetnum.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.TestData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code streetnum train} stopped by a real signal (SIGTERM raised in this JVM) mid-run: it saves the step
 * it was on, says how to go on, and exits as the signal would have (143). SIGTERM, not Ctrl-C's SIGINT: a
 * job started in the background (a CI runner, nohup) inherits SIGINT ignored, and the JVM then leaves it
 * so; Ctrl-C takes the same path ({@code StopSignals} installs one handler for both, its status 128 + the
 * signal's number).
 */
class TrainStopTest {

    @Test
    void aStopSignalSavesTheStepAndExitsAsTheSignalWould(@TempDir Path dir) throws Exception {
        TestData.generatedSet(dir.resolve("data/train"), 64, 21);
        TestData.generatedSet(dir.resolve("data/val"), 16, 22);
        Path run = dir.resolve("run");
        // A plan far longer than the test: only the signal ends it.
        String[] args = {"--data", dir.resolve("data").toString(), "--out", run.toString(), "--preset", "tiny",
            "--batch", "8", "--max-iterations", "1000000", "--epochs", "100000", "--validate-every", "5",
            "--validation-sample", "8", "--patience", "0", "--workers", "1", "--monitor-every", "0"};
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new TrainCommand()).setErr(new PrintWriter(err, true));
        // Had the command's handler been restored before the signal came, this one takes it, not the JVM.
        SignalHandler outer = Signal.handle(new Signal("TERM"), s -> { });
        try {
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> command.execute(args));
            Path checkpoint = run.resolve(Checkpoint.FILE_NAME);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.exists(checkpoint) && !exit.isDone() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertFalse(exit.isDone(), "the run ended by itself: " + err);
            assertTrue(Files.exists(checkpoint), "no checkpoint within two minutes: " + err);
            Signal.raise(new Signal("TERM"));
            assertEquals(143, exit.get(120, TimeUnit.SECONDS), err.toString());
        } finally {
            Signal.handle(new Signal("TERM"), outer);
        }
        TrainCommand options = new TrainCommand();
        new CommandLine(options).parseArgs(args);
        Checkpoint.Saved saved = Checkpoint.load(run.resolve(Checkpoint.FILE_NAME), options.config().runIdentity());
        String said = err.toString();
        assertTrue(said.contains("stopped at iteration " + saved.state().iteration() + ", saved in "
                + run.resolve(Checkpoint.FILE_NAME) + ": run the same command with --resume"), said);
    }
}
