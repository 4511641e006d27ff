package dev.streetnum.train.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import one.profiler.AsyncProfiler;
import one.profiler.Counter;

/**
 * {@code bench --profile DIR}: async-profiler (the Maven artifact, native library inside) samples
 * each timed phase apart, Java and native frames together, and writes {@code PHASE.html} (a flame
 * graph) and {@code PHASE.collapsed} (one stack per line with its sample count) for
 * {@link ProfileSummary}. CPU cycles through perf_events where the kernel allows them, else the
 * interval timer (virtual machines often forbid perf_events).
 */
final class PhaseProfiler implements ThroughputBenchmark.PhaseObserver {

    /** Sampling interval: 1 ms of CPU time gives ~10,000 samples in a 10 s phase on 1-2 threads. */
    private static final long INTERVAL_NANOS = 1_000_000;

    private final AsyncProfiler profiler;
    private final Path dir;
    private String event;

    PhaseProfiler(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the profile folder " + dir, e);
        }
        this.dir = dir;
        this.profiler = AsyncProfiler.getInstance();
    }

    /** The sampling event in use: "cpu" or "itimer". */
    String event() {
        return event;
    }

    @Override
    public void starting(String phase) {
        if (event == null) {
            event = startWithFallback();
        } else {
            command("start,event=" + event + ",interval=" + INTERVAL_NANOS);
        }
    }

    private String startWithFallback() {
        try {
            command("start,event=cpu,interval=" + INTERVAL_NANOS);
            return "cpu";
        } catch (IllegalStateException e) {
            command("start,event=itimer,interval=" + INTERVAL_NANOS);
            return "itimer";
        }
    }

    @Override
    public void finished(String phase) {
        // Stopping writes the flame graph (the format follows the file's extension); the samples stay
        // readable until the next start.
        Path html = dir.resolve(phase + ".html");
        Path collapsed = dir.resolve(phase + ".collapsed");
        command("stop,title=streetnum_bench_" + phase + ",file=" + html);
        try {
            Files.writeString(collapsed, profiler.dumpCollapsed(Counter.SAMPLES));
            withoutHome(html);
            withoutHome(collapsed);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the profile of " + phase + " in " + dir, e);
        }
    }

    /**
     * Native frames name their library by path, and JavaCPP unpacks them under the user's home: the
     * profiles are meant to be shared (docs/profile), so the home directory becomes "~".
     */
    private static void withoutHome(Path file) throws IOException {
        String home = System.getProperty("user.home");
        if (home != null && home.length() > 1) {
            Files.writeString(file, Files.readString(file).replace(home + "/", "~/"));
        }
    }

    private String command(String command) {
        try {
            return profiler.execute(command);
        } catch (IOException e) {
            throw new UncheckedIOException("async-profiler could not write its output (" + command + ")", e);
        }
    }
}
