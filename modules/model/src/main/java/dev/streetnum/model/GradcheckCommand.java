package dev.streetnum.model;

import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code streetnum gradcheck}: runs {@link GradientChecks} and prints what they found. */
@Command(name = "gradcheck", mixinStandardHelpOptions = true,
        description = "Checks back-propagated gradients against finite differences on a tiny double-precision network.")
public final class GradcheckCommand implements Callable<Integer> {

    @Option(names = "--seed", defaultValue = "1", description = "Seed for weights, inputs and projections (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--projections", defaultValue = "5", description = "Random (u, v) pairs (default ${DEFAULT-VALUE}).")
    int projections;

    @Override
    public Integer call() {
        if (projections < 1) {
            throw new IllegalArgumentException("--projections must be at least 1, got " + projections);
        }
        GradientChecks.Report r = GradientChecks.run(seed, projections);
        System.out.printf(Locale.ROOT, "DL4J GradientCheckUtil, %d parameters, max relative error %.0e: %s%n",
                r.parameters(), GradientChecks.MAX_RELATIVE_ERROR, r.dl4jPassed() ? "passed" : "FAILED");
        System.out.printf(Locale.ROOT, "d(-log P(S|x))/d(logits), centred differences: max relative error %.3e"
                + " (differences under %.0e count as 0)%n",
                r.logitMaxRelativeError(), GradientChecks.MIN_ABSOLUTE_ERROR);
        System.out.printf(Locale.ROOT, "random projections u^T g(x + t v), %d pairs: max relative error %.3e%n",
                r.projections(), r.projectionMaxRelativeError());
        return r.dl4jPassed() ? 0 : 1;
    }
}
