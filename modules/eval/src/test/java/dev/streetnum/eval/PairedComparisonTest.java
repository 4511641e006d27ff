package dev.streetnum.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.DataException;
import dev.streetnum.eval.Bootstrap.Interval;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PairedComparisonTest {

    private static final List<String> NAMES = List.of("a-box", "a-nobox", "b-box", "b-nobox");

    /** B: A's answers with its most confident wrong ones put right (a better model on the same photos). */
    private static List<Prediction> mended(List<Prediction> a, int howMany) {
        return mended(a, howMany, (p, q) -> Double.compare(q.confidence(), p.confidence()));
    }

    /** B: A's answers with its least confident wrong ones put right (a gain the top of the ranking never sees). */
    private static List<Prediction> mendedAtTheBottom(List<Prediction> a, int howMany) {
        return mended(a, howMany, java.util.Comparator.comparingDouble(Prediction::confidence));
    }

    /** A's answers with the first {@code howMany} wrong ones in {@code order} put right. */
    private static List<Prediction> mended(List<Prediction> a, int howMany, java.util.Comparator<Prediction> order) {
        List<String> fix = a.stream().sorted(order).filter(p -> !p.correct() && p.transcribable()).limit(howMany)
                .map(Prediction::file).toList();
        return a.stream().map(p -> fix.contains(p.file()) ? new Prediction(p.file(), p.truth(), p.truth(), true,
                p.confidence(), p.adHocConfidence()) : p).toList();
    }

    private static double slowArea(List<Prediction> set) {
        return slowArea(set, 1);
    }

    private static double slowArea(List<Prediction> set, double upToCoverage) {
        double[] confidence = set.stream().mapToDouble(Prediction::principledScore).toArray();
        boolean[] correct = new boolean[set.size()];
        for (int i = 0; i < correct.length; i++) {
            correct[i] = set.get(i).correct();
        }
        return BruteForceCoverage.riskCoverageArea(confidence, correct, upToCoverage);
    }

    @Test
    void upToACoverageOnlyTheMostConfidentAnswersCount() {
        List<Prediction> a = ReportWriterTest.syntheticPredictions(36, 200);
        List<Prediction> b = mendedAtTheBottom(a, 5);
        Bootstrap bootstrap = new Bootstrap(200, 4);
        PairedComparison whole = PairedComparison.of(List.of(a), List.of(b), List.of("a", "b"), 0.001, 1, bootstrap);
        PairedComparison top = PairedComparison.of(List.of(a), List.of(b), List.of("a", "b"), 0.001, 0.6, bootstrap);
        assertEquals(slowArea(a, 0.6), top.areaA(), 1e-12);
        assertEquals(slowArea(b, 0.6), top.areaB(), 1e-12);
        assertEquals(0.6, top.upToCoverage());
        assertTrue(whole.gainOfB() > 0, "mending wrong answers lowers the whole area");
        double lowestMended = a.stream().filter(p -> !p.correct() && p.transcribable()).mapToDouble(Prediction::confidence)
                .sorted().skip(4).findFirst().orElseThrow();
        long above = a.stream().filter(p -> p.principledScore() > lowestMended).count();
        assertTrue(above >= 0.6 * 200, "the mended answers all lie below the top 60% (" + above + " above them)");
        assertEquals(0, top.gainOfB(), 0);
        assertEquals(new Interval(0, 0), top.gain());
        assertThrows(IllegalArgumentException.class,
                () -> PairedComparison.of(List.of(a), List.of(b), List.of("a", "b"), 0.001, 0, bootstrap));
    }

    @Test
    void theGainIsMeasuredOnTheSameDrawsForBothModelsAndEverySet() {
        List<Prediction> aBox = ReportWriterTest.syntheticPredictions(31, 150);
        List<Prediction> aNoBox = ReportWriterTest.syntheticPredictions(32, 150);
        List<Prediction> bBox = mended(aBox, 3);
        List<Prediction> bNoBox = mended(aNoBox, 3);
        Bootstrap bootstrap = new Bootstrap(300, 9);
        PairedComparison c = PairedComparison.of(List.of(aBox, aNoBox), List.of(bBox, bNoBox), NAMES, 0.001, 1, bootstrap);

        assertEquals((slowArea(aBox) + slowArea(aNoBox)) / 2, c.areaA(), 1e-12);
        assertEquals((slowArea(bBox) + slowArea(bNoBox)) / 2, c.areaB(), 1e-12);
        assertEquals(slowArea(aNoBox), c.setAreasA().get(1), 1e-12);
        assertEquals(slowArea(bBox), c.setAreasB().get(0), 1e-12);
        assertTrue(c.gainOfB() > 0, "mending confident errors lowers the area");
        // The same draws scored the slow way: one draw of photo indices serves all four sets (all in file order).
        List<List<Prediction>> byFile = List.of(aBox, aNoBox, bBox, bNoBox).stream().map(PairedComparisonTest::byFile)
                .toList();
        double[][] gains = bootstrap.replicates(150, draw -> {
            double[] area = new double[4];
            for (int s = 0; s < 4; s++) {
                List<Prediction> drawn = new ArrayList<>();
                for (int i : draw) {
                    drawn.add(byFile.get(s).get(i));
                }
                area[s] = slowArea(drawn);
            }
            return new double[] {(area[0] + area[1]) / 2 - (area[2] + area[3]) / 2};
        });
        TestIntervalsTest.assertSame(Interval.percentile(gains[0], 0.9), c.gain());
        long ahead = java.util.Arrays.stream(gains[0]).filter(g -> g > 0).count();
        long clear = java.util.Arrays.stream(gains[0]).filter(g -> g > 0.001).count();
        assertEquals(ahead / 300.0, c.ahead(), 1e-12);
        assertEquals(clear / 300.0, c.clear(), 1e-12);
        assertTrue(c.gain().low() >= 0, "B is never worse on a draw: it only mends answers");
    }

    @Test
    void aModelAgainstItselfGainsNothingWhateverTheRowOrder() {
        List<Prediction> a = ReportWriterTest.syntheticPredictions(33, 80);
        List<Prediction> shuffled = new ArrayList<>(a);
        Collections.shuffle(shuffled, new Random(1));
        PairedComparison c = PairedComparison.of(List.of(a), List.of(shuffled), List.of("a", "b"), 0.001, 1,
                new Bootstrap(100, 1));
        assertEquals(0, c.gainOfB(), 0);
        assertEquals(new Interval(0, 0), c.gain());
        assertEquals(0, c.ahead(), 0);
    }

    @Test
    void setsOfOtherPhotosAreRefusedByName() {
        List<Prediction> a = ReportWriterTest.syntheticPredictions(34, 20);
        List<Prediction> fewer = a.subList(0, 19); // 19.png left out
        DataException e = assertThrows(DataException.class, () -> PairedComparison.of(List.of(a), List.of(fewer),
                List.of("a.csv", "b.csv"), 0.001, 1, new Bootstrap(20, 1)));
        assertEquals("b.csv does not hold the same photos as the first set: 19 photos against 20, '19.png' missing",
                e.getMessage());
        List<Prediction> twice = new ArrayList<>(fewer);
        twice.add(a.get(0));
        assertTrue(assertThrows(DataException.class, () -> PairedComparison.of(List.of(a), List.of(twice),
                List.of("a.csv", "b.csv"), 0.001, 1, new Bootstrap(20, 1))).getMessage().equals("b.csv: photo '0.png' has two rows"));
    }

    @Test
    void theCommandPrintsTheComparisonOfTheReportsItIsGiven(@TempDir Path dir) throws Exception {
        List<Prediction> a = ReportWriterTest.syntheticPredictions(35, 100);
        List<Prediction> b = mended(a, 4);
        PredictionsCsv.write(a, p -> true, dir.resolve("a.csv"));
        java.nio.file.Files.createDirectories(dir.resolve("b"));
        PredictionsCsv.write(b, p -> true, dir.resolve("b").resolve(ReportWriter.PREDICTIONS_CSV));
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new CompareCommand());
        cli.setOut(new PrintWriter(out));
        int exit = cli.execute("--a", dir.resolve("a.csv").toString(), "--b", dir.resolve("b").toString(),
                "--resamples", "200", "--seed", "3");
        assertEquals(0, exit);
        PairedComparison c = PairedComparison.of(List.of(a), List.of(b), List.of("a", "b"), 0.001, 1, new Bootstrap(200, 3));
        assertEquals(String.format(Locale.ROOT, "set 1: A %.5f (%s), B %.5f (%s)%n", c.setAreasA().get(0), dir.resolve("a.csv"),
                c.setAreasB().get(0), dir.resolve("b")) + String.format(Locale.ROOT, "mean AURC over 1 set of 100 photos: A %.5f, B %.5f, gain of B %.5f%n"
                        + "200 paired resamples: B ahead in %.1f%%, by more than 0.001 in %.1f%%; gain 90%% interval"
                        + " [%.4f, %.4f]%n", c.areaA(), c.areaB(), c.gainOfB(), 100 * c.ahead(), 100 * c.clear(),
                c.gain().low(), c.gain().high()), out.toString());
    }

    @Test
    void theCommandNamesTheCoverageItComparesUpTo(@TempDir Path dir) throws Exception {
        List<Prediction> a = ReportWriterTest.syntheticPredictions(37, 100);
        List<Prediction> b = mended(a, 4);
        PredictionsCsv.write(a, p -> true, dir.resolve("a.csv"));
        PredictionsCsv.write(b, p -> true, dir.resolve("b.csv"));
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new CompareCommand());
        cli.setOut(new PrintWriter(out));
        int exit = cli.execute("--a", dir.resolve("a.csv").toString(), "--b", dir.resolve("b.csv").toString(),
                "--up-to-coverage", "0.75", "--resamples", "100", "--seed", "3");
        assertEquals(0, exit);
        PairedComparison c = PairedComparison.of(List.of(a), List.of(b), List.of("a", "b"), 0.001, 0.75,
                new Bootstrap(100, 3));
        assertTrue(out.toString().contains(String.format(Locale.ROOT, "mean AURC up to coverage 0.75 over 1 set of 100 photos:"
                + " A %.5f, B %.5f, gain of B %.5f%n", c.areaA(), c.areaB(), c.gainOfB())), out.toString());
    }

    /**
     * --set-aside: the same comparison as of reports written without those photos (an independent route:
     * the rows are dropped before the files exist), so R49's gate on val without its 13 partial labels is
     * one command.
     */
    @Test
    void photosSetAsideCompareAsReportsWithoutThem(@TempDir Path dir) throws Exception {
        List<Prediction> a = ReportWriterTest.syntheticPredictions(38, 60);
        List<Prediction> b = mended(a, 5);
        List<String> aside = List.of(a.get(3).file(), a.get(17).file(), a.get(40).file());
        PredictionsCsv.write(a, p -> true, dir.resolve("a.csv"));
        PredictionsCsv.write(b, p -> true, dir.resolve("b.csv"));
        PredictionsCsv.write(a.stream().filter(p -> !aside.contains(p.file())).toList(), p -> true,
                dir.resolve("a-57.csv"));
        PredictionsCsv.write(b.stream().filter(p -> !aside.contains(p.file())).toList(), p -> true,
                dir.resolve("b-57.csv"));
        Path list = dir.resolve("aside.csv");
        java.nio.file.Files.writeString(list, "file,label,note\n" + String.join(",x,\"read, by eye\"\n", aside)
                + ",x,\"read, by eye\"\n");

        String withList = compare("--a", dir.resolve("a.csv").toString(), "--b", dir.resolve("b.csv").toString(),
                "--set-aside", list.toString());
        String without = compare("--a", dir.resolve("a-57.csv").toString(), "--b", dir.resolve("b-57.csv").toString());
        List<String> lines = withList.lines().toList();
        assertEquals("set aside: the 3 photos named in " + list, lines.get(0));
        assertTrue(lines.get(2).contains("of 57 photos"), withList);
        // every figure but the set line's file names is the same
        assertEquals(without.lines().skip(1).toList(), lines.subList(2, lines.size()));
        assertEquals(without.lines().findFirst().orElseThrow().replace("a-57.csv", "a.csv").replace("b-57.csv", "b.csv"),
                lines.get(1));

        java.nio.file.Files.writeString(list, "file\n" + aside.get(0) + "\nnot-a-photo.png\n");
        DataException e = assertThrows(DataException.class,
                () -> SetAsidePhotos.read(list).from(a, dir.resolve("a.csv")));
        assertEquals(list + " line 3: not-a-photo.png is not among the 60 photos of " + dir.resolve("a.csv"),
                e.getMessage());
        // Of several missing names, the first by line, however many follow it.
        StringBuilder many = new StringBuilder("file\nfirst-missing.png\n");
        for (int i = 0; i < 40; i++) {
            many.append("missing-").append(i).append(".png\n");
        }
        java.nio.file.Files.writeString(list, many);
        e = assertThrows(DataException.class, () -> SetAsidePhotos.read(list).from(a, dir.resolve("a.csv")));
        assertTrue(e.getMessage().startsWith(list + " line 2: first-missing.png is not among"), e.getMessage());
        java.nio.file.Files.writeString(list, "file\n" + aside.get(0) + "\n" + aside.get(0) + "\n");
        e = assertThrows(DataException.class, () -> SetAsidePhotos.read(list));
        assertEquals(list + " line 3: " + aside.get(0) + " is named again (first on line 2)", e.getMessage());
        // Saved by a spreadsheet, with a byte-order mark before "file": the same list.
        java.nio.file.Files.write(list, ("\ufefffile\n" + String.join("\n", aside) + "\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(3, SetAsidePhotos.read(list).size());
    }

    /**
     * --best-coverage-at: each model's best coverage on each set, as trying every threshold finds it
     * ({@link BruteForceCoverage#best}, the independent route), after the photos set aside are left out.
     */
    @Test
    void theCommandPrintsEachModelsBestCoverageOnEachSet(@TempDir Path dir) throws Exception {
        List<Prediction> a = ReportWriterTest.syntheticPredictions(39, 80);
        List<Prediction> b = mended(a, 6);
        List<String> aside = List.of(a.get(5).file(), a.get(30).file());
        PredictionsCsv.write(a, p -> true, dir.resolve("a.csv"));
        PredictionsCsv.write(b, p -> true, dir.resolve("b.csv"));
        Path list = dir.resolve("aside.csv");
        java.nio.file.Files.writeString(list, "file\n" + String.join("\n", aside) + "\n");

        List<String> lines = compare("--a", dir.resolve("a.csv").toString(), "--b", dir.resolve("b.csv").toString(),
                "--set-aside", list.toString(), "--best-coverage-at", "0.9").lines().toList();
        String expected = String.format(Locale.ROOT, "set 1, best coverage at accuracy 0.9 on the set itself: A %s, B %s",
                slowBest(a, aside, 0.9), slowBest(b, aside, 0.9));
        assertEquals(expected, lines.get(lines.size() - 1));
        assertTrue(!slowBest(a, aside, 0.9).equals(slowBest(b, aside, 0.9)), "B's mended answers must show");
        // Without the option the output ends with the interval, as before.
        assertTrue(compare("--a", dir.resolve("a.csv").toString(), "--b", dir.resolve("b.csv").toString())
                .lines().noneMatch(line -> line.contains("best coverage")));

        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new CompareCommand());
        cli.setErr(new PrintWriter(err));
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            command.getErr().println(e.getMessage());
            return 1;
        });
        assertEquals(1, cli.execute("--a", dir.resolve("a.csv").toString(), "--b", dir.resolve("b.csv").toString(),
                "--best-coverage-at", "1.5"));
        assertTrue(err.toString().contains("a target accuracy is in (0, 1], e.g. 0.98, got 1.5"), err.toString());
    }

    private static String slowBest(List<Prediction> set, List<String> aside, double target) {
        List<Prediction> kept = set.stream().filter(p -> !aside.contains(p.file())).toList();
        double[] confidence = kept.stream().mapToDouble(Prediction::principledScore).toArray();
        boolean[] correct = new boolean[kept.size()];
        for (int i = 0; i < correct.length; i++) {
            correct[i] = kept.get(i).correct();
        }
        double[] best = BruteForceCoverage.best(confidence, correct, target);
        return best[0] == 0 ? "none (no threshold is that accurate)"
                : String.format(Locale.ROOT, "%.1f%% (t = %.4f)", 100 * best[0] / kept.size(), best[1]);
    }

    private static String compare(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new CompareCommand());
        cli.setOut(new PrintWriter(out));
        assertEquals(0, cli.execute(java.util.stream.Stream.concat(java.util.Arrays.stream(args),
                java.util.stream.Stream.of("--resamples", "200", "--seed", "5")).toArray(String[]::new)));
        return out.toString();
    }

    private static List<Prediction> byFile(List<Prediction> set) {
        return set.stream().sorted(java.util.Comparator.comparing(Prediction::file)).toList();
    }
}
