package dev.streetnum.model;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code streetnum gradcheck}: runs {@link GradientChecks} and prints what they found; exit 0 only if all pass. */
@Command(name = "gradcheck", mixinStandardHelpOptions = true,
        description = "Checks back-propagated gradients against finite differences on a tiny double-precision network;"
                + " exits 1 when any of the three checks fails.")
public final class GradcheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "1",
            description = "Seed for weights, inputs and projections (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--projections", paramLabel = "N", defaultValue = "5",
            description = "Random (u, v) pairs (default ${DEFAULT-VALUE}).")
    int projections;

    /** The checks run; a test swaps in a failing report. */
    BiFunction<Long, Integer, GradientChecks.Report> checks = GradientChecks::run;

    @Override
    public Integer call() {
        if (projections < 1) {
            throw new IllegalArgumentException("--projections must be at least 1, got " + projections);
        }
        GradientChecks.Report r = checks.apply(seed, projections);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "DL4J GradientCheckUtil, %d parameters, max relative error %.0e per parameter: %s%n",
                r.parameters(), GradientChecks.MAX_RELATIVE_ERROR, verdict(r.dl4jPassed()));
        out.printf(Locale.ROOT, "d(-log P(S|x))/d(logits), centred differences: max relative error %.3e,"
                        + " tolerance %.0e (differences under %.0e count as 0): %s%n",
                r.logitMaxRelativeError(), GradientChecks.LOGIT_TOLERANCE, GradientChecks.MIN_ABSOLUTE_ERROR,
                verdict(r.logitPassed()));
        out.printf(Locale.ROOT, "random projections u^T g(x + t v), %d pairs: max relative error %.3e, tolerance %.0e: %s%n",
                r.projections(), r.projectionMaxRelativeError(), GradientChecks.PROJECTION_TOLERANCE,
                verdict(r.projectionPassed()));
        out.println(r.passed() ? "gradients: all checks passed" : "gradients: FAILED");
        out.flush();
        return r.passed() ? 0 : 1;
    }

    private static String verdict(boolean passed) {
        return passed ? "passed" : "FAILED";
    }
}
