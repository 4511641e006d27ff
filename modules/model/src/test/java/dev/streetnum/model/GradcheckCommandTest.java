package dev.streetnum.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code streetnum gradcheck} as a command: arguments in, exit code and lines out. */
class GradcheckCommandTest {

    private record Run(int exitCode, String out) {
    }

    private static Run run(GradcheckCommand command, String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(out));
        int code = cli.execute(args);
        return new Run(code, out.toString());
    }

    @Test
    void passingChecksExitZeroAndGetTheArguments() {
        // The real checks are GradientChecksTest's; here only what the command makes of their report.
        GradcheckCommand command = new GradcheckCommand();
        long[] asked = new long[2];
        command.checks = (seed, projections) -> {
            asked[0] = seed;
            asked[1] = projections;
            return new GradientChecks.Report(true, 42, 1e-9, 1e-9, projections);
        };
        Run r = run(command, "--seed", "2", "--projections", "4");
        assertEquals(0, r.exitCode(), r.out());
        assertEquals(2, asked[0]);
        assertEquals(4, asked[1]);
        assertTrue(r.out().contains("4 pairs") && r.out().contains("all checks passed"), r.out());
    }

    @Test
    void aFailingFiniteDifferenceCheckExitsOneEvenWhenDl4jPasses() {
        GradcheckCommand command = new GradcheckCommand();
        command.checks = (seed, projections) -> new GradientChecks.Report(true, 42, 0.2, 1e-9, projections);
        Run r = run(command, "--projections", "3");
        assertEquals(1, r.exitCode(), r.out());
        assertTrue(r.out().contains("42 parameters") && r.out().contains("2.000e-01"), r.out());
        assertTrue(r.out().contains("FAILED"), r.out());
    }
}
