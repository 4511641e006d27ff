package dev.streetnum.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.DataException;
import dev.streetnum.data.NumberCut;
import dev.streetnum.eval.Bootstrap.Interval;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.TestBundles;
import dev.streetnum.model.Thresholds;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CutComparisonTest {

    /**
     * Every cut of {@code numbers} photos (2 to 5 digits each), read with random confidence; some refused,
     * some read as the whole number.
     */
    private static List<Prediction> cutsRead(long seed, int numbers) {
        Random random = new Random(seed);
        List<Prediction> predictions = new ArrayList<>();
        for (int n = 0; n < numbers; n++) {
            String photo = "p" + n + ".png";
            for (NumberCut cut : NumberCut.all(2 + (n % 4))) {
                predictions.add(new Prediction(cut.fileName(photo), "12345", random.nextInt(5) == 0 ? "12345" : "12",
                        random.nextInt(10) > 0, random.nextDouble(), 0));
            }
        }
        return predictions;
    }

    /** Model B: A's readings with other confidences (the same cuts). */
    private static List<Prediction> rescored(List<Prediction> a, long seed) {
        Random random = new Random(seed);
        return a.stream().map(p -> new Prediction(p.file(), p.truth(), p.answer(), p.transcribable(),
                random.nextDouble() * random.nextDouble(), 0)).toList();
    }

    private static boolean answered(Prediction p, double threshold) {
        return p.transcribable() && p.confidence() >= threshold;
    }

    @Test
    void countsAnswersPerModelAtItsOwnThresholdAndDrawsWholeNumbers() {
        List<Prediction> a = cutsRead(1, 40);
        List<Prediction> b = rescored(a, 2);
        Bootstrap bootstrap = new Bootstrap(300, 5);
        CutComparison c = CutComparison.of(a, b, List.of("a", "b"), 0.6, 0.5, bootstrap);

        assertEquals(a.size(), c.cuts());
        assertEquals(40, c.numbers());
        assertEquals(a.stream().filter(p -> answered(p, 0.6)).count(), c.answeredA());
        assertEquals(b.stream().filter(p -> answered(p, 0.5)).count(), c.answeredB());
        assertEquals(a.stream().filter(p -> answered(p, 0.6) && !p.answer().equals(p.truth())).count(), c.wrongA());
        assertEquals(b.stream().filter(p -> answered(p, 0.5) && !p.answer().equals(p.truth())).count(), c.wrongB());
        assertTrue(c.wrongA() < c.answeredA() && c.wrongA() > 0, "some answers read the whole number");
        assertEquals((c.answeredA() - c.answeredB()) / (double) a.size(), c.gainOfB(), 1e-15);
        assertEquals((c.wrongA() - c.wrongB()) / (double) a.size(), c.wrongGainOfB(), 1e-15);
        // The same draws done by hand: each drawn number brings all its cuts (numbers sorted by photo name).
        List<String> photos = a.stream().map(p -> p.file().substring(0, p.file().indexOf(".cut-")) + ".png")
                .distinct().sorted().toList();
        double[][] gains = bootstrap.replicates(photos.size(), draw -> {
            double cuts = 0;
            double byA = 0;
            double byB = 0;
            double wrongByA = 0;
            double wrongByB = 0;
            for (int i : draw) {
                for (int r = 0; r < a.size(); r++) {
                    if (a.get(r).file().startsWith(photos.get(i).replace(".png", ".cut-"))) {
                        cuts++;
                        byA += answered(a.get(r), 0.6) ? 1 : 0;
                        byB += answered(b.get(r), 0.5) ? 1 : 0;
                        wrongByA += answered(a.get(r), 0.6) && !a.get(r).answer().equals("12345") ? 1 : 0;
                        wrongByB += answered(b.get(r), 0.5) && !b.get(r).answer().equals("12345") ? 1 : 0;
                    }
                }
            }
            return new double[] {(byA - byB) / cuts, (wrongByA - wrongByB) / cuts};
        });
        TestIntervalsTest.assertSame(Interval.percentile(gains[0], 0.9), c.gain());
        TestIntervalsTest.assertSame(Interval.percentile(gains[1], 0.9), c.wrongGain());
        assertEquals(java.util.Arrays.stream(gains[0]).filter(g -> g > 0).count() / 300.0, c.fewer(), 1e-12);
        assertTrue(c.gain().low() > 0, "B's confidences are mostly lower: " + c.gain());
    }

    @Test
    void aModelAgainstItselfAnswersAsManyWhateverTheRowOrder() {
        List<Prediction> a = cutsRead(3, 25);
        List<Prediction> shuffled = new ArrayList<>(a);
        Collections.shuffle(shuffled, new Random(4));
        CutComparison c = CutComparison.of(a, shuffled, List.of("a", "b"), 0.5, 0.5, new Bootstrap(100, 1));
        assertEquals(c.answeredA(), c.answeredB());
        assertEquals(new Interval(0, 0), c.gain());
        CutComparison reordered = CutComparison.of(shuffled, rescored(shuffled, 6), List.of("a", "b"), 0.5, 0.4,
                new Bootstrap(100, 1));
        assertEquals(CutComparison.of(a, rescored(shuffled, 6), List.of("a", "b"), 0.5, 0.4, new Bootstrap(100, 1)),
                reordered, "the numbers are drawn in their photos' order, not the rows'");
    }

    @Test
    void aSetThatIsNotTheSameCutsIsRefusedByName() {
        List<Prediction> a = cutsRead(7, 5);
        List<Prediction> fewer = a.subList(1, a.size());
        DataException e = assertThrows(DataException.class,
                () -> CutComparison.of(a, fewer, List.of("a.csv", "b.csv"), 0.5, 0.5, new Bootstrap(20, 1)));
        assertEquals("b.csv does not hold the cuts of a.csv: '" + a.get(0).file() + "' missing", e.getMessage());
        e = assertThrows(DataException.class,
                () -> CutComparison.of(fewer, a, List.of("a.csv", "b.csv"), 0.5, 0.5, new Bootstrap(20, 1)));
        assertEquals("b.csv holds " + a.size() + " cuts, a.csv " + fewer.size() + ": give two reports of the same"
                + " cut set", e.getMessage());
        List<Prediction> whole = List.of(new Prediction("p0.png", "12", "12", true, 0.9, 0));
        e = assertThrows(DataException.class,
                () -> CutComparison.of(whole, whole, List.of("a.csv", "b.csv"), 0.5, 0.5, new Bootstrap(20, 1)));
        assertTrue(e.getMessage().startsWith("a.csv: 'p0.png' is not a cut of a number"), e.getMessage());
    }

    @Test
    void theCommandJudgesEachReportAtItsBundlesNoBoxThreshold(@TempDir Path dir) throws Exception {
        // Over a thousand cuts, and a threshold of more digits than evaluate prints: both printed as evaluate does.
        List<Prediction> a = cutsRead(8, 300);
        List<Prediction> b = rescored(a, 9);
        PredictionsCsv.write(a, p -> true, dir.resolve("a.csv"));
        PredictionsCsv.write(b, p -> true, dir.resolve("b.csv"));
        Path bundleA = withThresholds(dir.resolve("a.bundle"), 0.3, 0.7123456789);
        Path bundleB = withThresholds(dir.resolve("b.bundle"), 0.2, 0.45);
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new CompareCutsCommand());
        cli.setOut(new PrintWriter(out));
        assertEquals(0, cli.execute("--a", dir.resolve("a.csv").toString(), "--a-model", bundleA.toString(),
                "--b", dir.resolve("b.csv").toString(), "--b-model", bundleB.toString(), "--resamples", "200"));
        CutComparison c = CutComparison.of(a, b, List.of("a", "b"), 0.7123456789, 0.45,
                new Bootstrap(200, Bootstrap.SEED));
        assertTrue(a.size() >= 1000, "a count that a thousands separator would split: " + a.size());
        assertEquals(String.format(Locale.ROOT, "%d cuts of 300 numbers%n", a.size())
                + String.format(Locale.ROOT, "A answers %d (%.1f%%), %d of them wrong, at its no-box threshold 0.7123 (%s)%n",
                        c.answeredA(), 100.0 * c.answeredA() / a.size(), c.wrongA(), bundleA)
                + String.format(Locale.ROOT, "B answers %d (%.1f%%), %d of them wrong, at its no-box threshold 0.4500 (%s)%n",
                        c.answeredB(), 100.0 * c.answeredB() / a.size(), c.wrongB(), bundleB)
                + String.format(Locale.ROOT, "200 paired resamples of the numbers: B answers a smaller share in %.1f%%; A's share"
                        + " answered minus B's %.4f, 90%% interval [%.4f, %.4f]; answered wrong %.4f [%.4f, %.4f]%n",
                        100 * c.fewer(), c.gainOfB(), c.gain().low(), c.gain().high(), c.wrongGainOfB(),
                        c.wrongGain().low(), c.wrongGain().high()), out.toString());

        Path none = dir.resolve("none.bundle");
        TestBundles.tiny(3).save(none);
        CompareCutsCommand command = new CompareCutsCommand();
        command.a = dir.resolve("a.csv");
        command.aModel = none;
        command.b = dir.resolve("b.csv");
        command.bModel = bundleB;
        command.targetAccuracy = 0.98;
        command.draws.resamples = 20;
        DataException e = assertThrows(DataException.class, command::call);
        assertTrue(e.getMessage().endsWith("has no no-box threshold for accuracy 0.98: calibrate one with streetnum"
                + " evaluate --model " + none + " --no-box --write-threshold"), e.getMessage());
    }

    @Test
    void aSingleNumberIsCountedInTheSingular(@TempDir Path dir) throws Exception {
        PredictionsCsv.write(cutsRead(10, 1), p -> true, dir.resolve("a.csv"));
        Path bundle = withThresholds(dir.resolve("a.bundle"), 0.3, 0.5);
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new CompareCutsCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        assertEquals(0, cli.execute("--a", dir.resolve("a.csv").toString(), "--a-model", bundle.toString(),
                "--b", dir.resolve("a.csv").toString(), "--b-model", bundle.toString(), "--resamples", "20"),
                out::toString);
        assertTrue(out.toString().startsWith("2 cuts of 1 number" + System.lineSeparator()), out.toString());
    }

    private static Path withThresholds(Path file, double box, double noBox) {
        ModelBundle bundle = TestBundles.tiny(2);
        bundle.withMetadata(bundle.metadata().withThresholds(Thresholds.fromKeys(
                Map.of("0.98", box, "no-box 0.98", noBox), "val", "val"))).save(file);
        return file;
    }
}
