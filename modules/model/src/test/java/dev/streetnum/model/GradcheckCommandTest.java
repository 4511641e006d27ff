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
    void realChecksPassAndExitZero() {
        Run r = run(new GradcheckCommand(), "--seed", "2", "--projections", "1");
        assertEquals(0, r.exitCode(), r.out());
        assertTrue(r.out().contains("1 pairs") && r.out().contains("all checks passed"), r.out());
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
