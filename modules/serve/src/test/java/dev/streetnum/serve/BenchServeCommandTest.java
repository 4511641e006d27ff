package dev.streetnum.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.model.Ensemble;
import dev.streetnum.model.TestBundles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code bench-serve}'s table names what it timed, and prints its numbers alike on every JVM. */
class BenchServeCommandTest {

    @TempDir
    Path dir;

    /**
     * "Networks alone" times the networks that read a caller's box ({@link ServiceBenchmark#networkAlone}):
     * a bundle that stores a network for one path only must not be labelled with every network it stores
     * (the shipped bundle stores five and reads a caller's box with four).
     */
    @Test
    void theNetworksAloneLineCountsTheNetworksThatReadACallersBox() throws Exception {
        Path bundle = dir.resolve("paths.bundle");
        // three networks: the first two read photos sent without a box, the last two a caller's box (the first
        // reads only without one)
        Ensemble.join(List.of(TestBundles.tiny(5), TestBundles.tiny(6), TestBundles.tiny(7)), "paths", 2, 2)
                .save(bundle);
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new BenchServeCommand());
        cli.setOut(new PrintWriter(out));
        int code = cli.execute("--model", bundle.toString(), "--engine", "dl4j", "--threshold", "0.5",
                "--requests", "2", "--concurrency", "1", "--network-seconds", "0.05");
        assertEquals(0, code, out.toString());
        List<String> alone = out.toString().lines().filter(l -> l.contains(" alone, batch ") && !l.startsWith("model"))
                .toList();
        assertEquals(2, alone.size(), out.toString());
        alone.forEach(l -> assertTrue(l.startsWith("2 networks alone, batch "), l));
    }

    /** A German JVM writes decimal commas by default; the table is compared across machines, so it does not. */
    @Test
    void theTablePrintsDecimalPointsWhateverTheDefaultLocale() throws Exception {
        Path bundle = dir.resolve("tiny.bundle");
        TestBundles.tiny(5).save(bundle);
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new BenchServeCommand());
        cli.setOut(new PrintWriter(out));
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.GERMANY);
        try {
            assertEquals(0, cli.execute("--model", bundle.toString(), "--engine", "dl4j", "--threshold", "0.5",
                    "--requests", "2", "--concurrency", "1", "--network-seconds", "0"), out.toString());
        } finally {
            Locale.setDefault(before);
        }
        String decimal = " +\\d+\\.\\d+";
        List<String> lines = out.toString().lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.matches("model alone, batch \\d+" + decimal + " +- +-")), out.toString());
        assertTrue(lines.stream().anyMatch(l -> l.matches("HTTP, concurrency 1" + decimal.repeat(3)
                + " +\\(\\d+\\.\\d+ of the model alone\\)")), out.toString());
    }
}
