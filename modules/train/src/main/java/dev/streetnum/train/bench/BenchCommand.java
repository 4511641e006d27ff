package dev.streetnum.train.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streetnum.model.Preset;
import dev.streetnum.model.fast.CpuAcceleration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code streetnum bench}: one JSON line of training and inference throughput for a preset. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Times a preset's network on random 54x54 input: training images/s (Adam), "
                + "inference images/s at batch 1 and 64, FLOPs per image and achieved GFLOP/s, as one JSON line.",
                "Only the network is timed: no data pipeline, no decoding."})
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--preset", paramLabel = "P", required = true,
            description = "network size: ${COMPLETION-CANDIDATES} (any case)")
    Preset preset;

    @Option(names = {"--batch-size", "--batch"}, paramLabel = "N", defaultValue = "" + BenchConfig.DEFAULT_TRAIN_BATCH,
            description = "training minibatch size (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--seconds", paramLabel = "SECONDS", defaultValue = "" + BenchConfig.DEFAULT_SECONDS,
            description = "timed seconds per phase, after warm-up (default: ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "1",
            description = "weights and input seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--reference",
            description = "keep DL4J's reference layer path (no oneDNN helpers), for before/after figures")
    boolean reference;

    @Option(names = "--blas-threads", paramLabel = "N",
            description = "OpenBLAS threads for the dense layers (default: OpenBLAS's own choice, one per core);"
                    + " the profile showed its idle workers spinning in sched_yield")
    Integer blasThreads;

    @Option(names = "--profile", paramLabel = "DIR",
            description = "sample each phase with async-profiler: DIR/PHASE.html flame graphs, DIR/PHASE.collapsed"
                    + " stacks and DIR/profile.md, the breakdown by frame kind and by DL4J method")
    Path profile;

    /** Rows of each ranked table in profile.md. */
    private static final int PROFILE_ROWS = 12;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        BenchConfig config = new BenchConfig(preset, batch, seconds, seed);
        if (blasThreads != null) {
            if (blasThreads < 1) {
                throw new IllegalArgumentException("--blas-threads must be at least 1, got " + blasThreads);
            }
            Nd4j.factory().blas().setMaxThreads(blasThreads);
        }
        if (reference) {
            CpuAcceleration.disable();
        } else {
            CpuAcceleration.enable();
        }
        if (profile == null) {
            BenchResult result = new ThroughputBenchmark(config).run();
            spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(result));
            return 0;
        }
        PhaseProfiler profiler = new PhaseProfiler(profile);
        BenchResult result = new ThroughputBenchmark(config).run(profiler);
        String json = new ObjectMapper().writeValueAsString(result);
        StringBuilder md = new StringBuilder("# Profile of `streetnum bench --preset " + config.preset().name()
                .toLowerCase(java.util.Locale.ROOT) + "`\n\nasync-profiler, event `" + profiler.event()
                + "`, 1 ms interval; the figures of the profiled run (profiling costs a few percent):\n\n```\n"
                + json + "\n```\n\n");
        for (String phase : ThroughputBenchmark.PHASES) {
            md.append(ProfileSummary.of(Files.readString(profile.resolve(phase + ".collapsed")))
                    .markdown(phase, PROFILE_ROWS));
        }
        Files.writeString(profile.resolve("profile.md"), md);
        spec.commandLine().getOut().println(json);
        spec.commandLine().getErr().println("profile: " + profile.resolve("profile.md") + " and a flame graph per phase"
                + " (" + String.join(", ", ThroughputBenchmark.PHASES) + ".html)");
        return 0;
    }
}
