package dev.streetnum.eval;

import dev.streetnum.data.DataException;
import dev.streetnum.eval.Bootstrap.Interval;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Whether model B ranks its answers better than model A on the same photos, and how sure that is: each
 * model's area under the risk-coverage curve ({@link CoverageCurve#riskCoverageArea}, the whole area or
 * the part up to a coverage), averaged over the sets given (say with the box and without), and the gain
 * of B (A's area minus B's, above 0 when B is better) over {@link Bootstrap} draws of the photos. A draw
 * takes the same photos for both models and every set, so what the photos share (a hard photo is hard for
 * both) cancels out of the gain: a paired interval is far narrower than two separate ones. The project's ship rules pass a model when the gain's
 * lower end is above 0.
 *
 * @param photos        photos in each set
 * @param upToCoverage  the areas are over the coverages up to this alone (1: the whole area)
 * @param setAreasA     A's area on each set, in the order given (where a gain comes from)
 * @param setAreasB     B's
 * @param areaA         A's mean area over the sets (each weighs the same)
 * @param areaB         B's
 * @param resamples     paired draws of the photos
 * @param ahead         the share of draws where B's mean area is below A's
 * @param margin        a gain a rule may ask for
 * @param clear         the share of draws where the gain exceeds {@code margin}
 * @param gain          the gain's {@link Bootstrap#LEVEL} interval
 */
public record PairedComparison(int photos, double upToCoverage, List<Double> setAreasA, List<Double> setAreasB,
                               double areaA, double areaB, int resamples, double ahead, double margin, double clear,
                               Interval gain) {

    /** Sets per model. */
    public int sets() {
        return setAreasA.size();
    }

    /** @return areaA - areaB: above 0 when B ranks its answers better */
    public double gainOfB() {
        return areaA - areaB;
    }

    /**
     * @param a      model A's predictions, one list per set ({@link PredictionsCsv#read} of its reports)
     * @param b      model B's, the same sets in the same order; every set holds the same photos (by file)
     * @param names  a name for each of A's then B's sets, for the error that says which one differs
     * @param upToCoverage in (0, 1]: each area is {@link CoverageCurve#riskCoverageArea(double)} up to it
     */
    public static PairedComparison of(List<List<Prediction>> a, List<List<Prediction>> b, List<String> names,
                                      double margin, double upToCoverage, Bootstrap bootstrap) {
        if (a.isEmpty() || a.size() != b.size()) {
            throw new IllegalArgumentException("give B as many sets as A, at least one each: got " + a.size()
                    + " and " + b.size());
        }
        List<List<Prediction>> all = new ArrayList<>(a);
        all.addAll(b);
        List<String> files = all.get(0).stream().map(Prediction::file).sorted().toList();
        if (files.isEmpty()) {
            throw new DataException(names.get(0) + ": no predictions to compare");
        }
        List<EvaluatedSet> aligned = new ArrayList<>();
        for (int s = 0; s < all.size(); s++) {
            aligned.add(aligned(all.get(s), files, names.get(s)));
        }
        int n = files.size();
        int setCount = a.size();
        List<Double> setAreasA = areas(aligned.subList(0, setCount), upToCoverage); // refuses a coverage out of (0, 1]
        List<Double> setAreasB = areas(aligned.subList(setCount, 2 * setCount), upToCoverage);
        double[][] gains = bootstrap.replicates(n, draw -> new double[] {
                meanArea(aligned.subList(0, setCount), draw, upToCoverage)
                        - meanArea(aligned.subList(setCount, 2 * setCount), draw, upToCoverage)});
        double ahead = 0;
        double clear = 0;
        for (double g : gains[0]) {
            ahead += g > 0 ? 1 : 0;
            clear += g > margin ? 1 : 0;
        }
        int r = gains[0].length;
        return new PairedComparison(n, upToCoverage, setAreasA, setAreasB, mean(setAreasA), mean(setAreasB), r,
                ahead / r, margin, clear / r, Interval.percentile(gains[0], Bootstrap.LEVEL));
    }

    private static List<Double> areas(List<EvaluatedSet> sets, double upToCoverage) {
        return sets.stream().map(set -> set.principledCurve().riskCoverageArea(upToCoverage)).toList();
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }

    private static double meanArea(List<EvaluatedSet> sets, int[] draw, double upToCoverage) {
        double sum = 0;
        for (EvaluatedSet set : sets) {
            sum += set.principledCurve(draw).riskCoverageArea(upToCoverage);
        }
        return sum / sets.size();
    }

    /** The set's predictions in the order of {@code files}; a DataException when it holds other photos. */
    private static EvaluatedSet aligned(List<Prediction> predictions, List<String> files, String name) {
        Map<String, Prediction> byFile = Prediction.byFile(predictions, name, "photo");
        if (byFile.size() != files.size() || !byFile.keySet().containsAll(files)) {
            throw new DataException(name + " does not hold the same photos as the first set: " + byFile.size()
                    + " photos against " + files.size() + (byFile.keySet().containsAll(files) ? ""
                    : ", '" + files.stream().filter(f -> !byFile.containsKey(f)).findFirst().orElseThrow()
                            + "' missing"));
        }
        return new EvaluatedSet(name, files.stream().map(byFile::get).toList());
    }
}
