package dev.streetnum.eval;

import dev.streetnum.data.DataException;
import dev.streetnum.data.NumberCut;
import dev.streetnum.eval.Bootstrap.Interval;
import dev.streetnum.model.Thresholds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How often two models answer numbers cut short ({@code streetnum cut-numbers}) at their no-box thresholds,
 * paired: a localizer's box that misses digits is such a cut, and a no-box path that answers it gives a
 * confident wrong number unless it reads the whole number from the part it sees (models/README.md, R47,
 * R48). A draw takes numbers, not cuts: every cut of one number goes in or out together, as the cuts of
 * one photo rise and fall together ({@link NumberCut#photoOf}), and the same numbers for both models; draw
 * indices run over the numbers in the order of their photos' names.
 *
 * @param cuts       cuts read by each model
 * @param numbers    the numbers they were cut from
 * @param thresholdA model A's no-box threshold
 * @param thresholdB model B's
 * @param answeredA  cuts A answers at its threshold ({@link Thresholds#accepts})
 * @param answeredB  cuts B answers at its
 * @param wrongA     of A's answers, those that are not the whole number
 * @param wrongB     B's
 * @param resamples  paired draws of the numbers
 * @param fewer      the share of draws where B answers a smaller share of the cuts than A
 * @param gain       the {@link Bootstrap#LEVEL} interval of A's share answered minus B's (above 0: B answers fewer)
 * @param wrongGain  the same of the shares answered wrong
 */
public record CutComparison(int cuts, int numbers, double thresholdA, double thresholdB, int answeredA,
                            int answeredB, int wrongA, int wrongB, int resamples, double fewer, Interval gain,
                            Interval wrongGain) {

    // What each number counts, in its int[COUNTS].
    private static final int CUTS = 0;
    private static final int ANSWERED_A = 1;
    private static final int ANSWERED_B = 2;
    private static final int WRONG_A = 3;
    private static final int WRONG_B = 4;
    private static final int COUNTS = 5;

    /** A's share of the cuts answered minus B's: above 0 when B answers fewer. */
    public double gainOfB() {
        return (answeredA - answeredB) / (double) cuts;
    }

    /** A's share of the cuts answered wrong minus B's. */
    public double wrongGainOfB() {
        return (wrongA - wrongB) / (double) cuts;
    }

    /**
     * @param a          model A's predictions of a cut set ({@link PredictionsCsv#read} of its report)
     * @param b          model B's of the same cuts (by file)
     * @param names      a name for A's set and for B's, for the errors
     * @param thresholdA the threshold A answers a photo sent without a box at
     * @param thresholdB B's
     * @throws DataException naming the set and the file when a file names no cut or the sets hold other files
     */
    public static CutComparison of(List<Prediction> a, List<Prediction> b, List<String> names, double thresholdA,
                                   double thresholdB, Bootstrap bootstrap) {
        Map<String, Prediction> byFileB = Prediction.byFile(b, names.get(1), "cut");
        if (a.isEmpty()) {
            throw new DataException(names.get(0) + ": no predictions to compare");
        }
        // Per number, by its photo's name (so row order changes nothing): its cuts, and how many each model answers.
        Map<String, int[]> perNumber = new java.util.TreeMap<>();
        for (Prediction p : Prediction.byFile(a, names.get(0), "cut").values()) {
            String photo = NumberCut.photoOf(p.file()).orElseThrow(() -> new DataException(names.get(0) + ": '"
                    + p.file() + "' is not a cut of a number (streetnum cut-numbers names them PHOTO.cut-first-1.png)"));
            Prediction q = byFileB.get(p.file());
            if (q == null) {
                throw new DataException(names.get(1) + " does not hold the cuts of " + names.get(0) + ": '" + p.file()
                        + "' missing");
            }
            int[] counts = perNumber.computeIfAbsent(photo, k -> new int[COUNTS]);
            boolean byA = p.acceptedAt(thresholdA);
            boolean byB = q.acceptedAt(thresholdB);
            counts[CUTS]++;
            counts[ANSWERED_A] += byA ? 1 : 0;
            counts[ANSWERED_B] += byB ? 1 : 0;
            counts[WRONG_A] += byA && !p.correct() ? 1 : 0;
            counts[WRONG_B] += byB && !q.correct() ? 1 : 0;
        }
        if (byFileB.size() != a.size()) {
            throw new DataException(names.get(1) + " holds " + byFileB.size() + " cuts, " + names.get(0) + " "
                    + a.size() + ": give two reports of the same cut set");
        }
        List<int[]> numbers = new ArrayList<>(perNumber.values());
        int[] total = sum(numbers, null);
        double[][] gains = bootstrap.replicates(numbers.size(), draw -> {
            int[] drawn = sum(numbers, draw);
            return new double[] {(drawn[ANSWERED_A] - drawn[ANSWERED_B]) / (double) drawn[CUTS],
                    (drawn[WRONG_A] - drawn[WRONG_B]) / (double) drawn[CUTS]};
        });
        double fewer = 0;
        for (double g : gains[0]) {
            fewer += g > 0 ? 1 : 0;
        }
        return new CutComparison(total[CUTS], numbers.size(), thresholdA, thresholdB, total[ANSWERED_A],
                total[ANSWERED_B], total[WRONG_A], total[WRONG_B], gains[0].length, fewer / gains[0].length,
                Interval.percentile(gains[0], Bootstrap.LEVEL), Interval.percentile(gains[1], Bootstrap.LEVEL));
    }

    /** The counts summed over the numbers drawn (null: every number once). */
    private static int[] sum(List<int[]> numbers, int[] draw) {
        int[] total = new int[COUNTS];
        int n = draw == null ? numbers.size() : draw.length;
        for (int i = 0; i < n; i++) {
            int[] counts = numbers.get(draw == null ? i : draw[i]);
            for (int c = 0; c < total.length; c++) {
                total[c] += counts[c];
            }
        }
        return total;
    }

}
