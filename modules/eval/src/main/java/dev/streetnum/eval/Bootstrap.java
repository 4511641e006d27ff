package dev.streetnum.eval;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.DoubleFunction;
import java.util.function.Function;

/**
 * How sure a figure measured on a few hundred photos is: the percentile bootstrap over photos (Efron
 * and Tibshirani 1993, chapter 13). Draw as many photos as the set holds, with replacement, recompute
 * the figures on the draw, repeat; the interval holds the middle {@link #LEVEL} of the recomputed values.
 * The photos are the unit that varies (another 500 photos would give other figures); a threshold chosen
 * on validation stays fixed, as it does in service. Seeded, so the same predictions always give the same
 * interval; a paired comparison draws the same photos for every model and set it compares.
 */
public final class Bootstrap {

    /** Resamples a report draws: enough that the 5th and 95th percentiles move by well under their width. */
    public static final int RESAMPLES = 1000;
    /** The share of recomputed values an interval holds. */
    public static final double LEVEL = 0.90;
    /** The seed a report draws with. */
    public static final long SEED = 1;

    private final int resamples;
    private final long seed;

    /** @param resamples at least 20, so that the 5th and 95th percentiles are two different draws */
    public Bootstrap(int resamples, long seed) {
        if (resamples < 20) {
            throw new IllegalArgumentException("a bootstrap needs at least 20 resamples, got " + resamples);
        }
        this.resamples = resamples;
        this.seed = seed;
    }

    /** {@link #RESAMPLES} draws from {@link #SEED}: what every report uses. */
    public static Bootstrap standard() {
        return new Bootstrap(RESAMPLES, SEED);
    }

    public int resamples() {
        return resamples;
    }

    /**
     * A range a figure falls in. NaN ends when no draw gave the figure a value (e.g. accuracy where a
     * threshold accepted nothing in any draw).
     */
    public record Interval(double low, double high) {

        static final Interval NONE = new Interval(Double.NaN, Double.NaN);

        /** " [low, high]" with each end as {@code number} writes it, to follow the figure; "" with no interval. */
        public String bracketed(DoubleFunction<String> number) {
            return Double.isNaN(low) ? "" : " [" + number.apply(low) + ", " + number.apply(high) + "]";
        }

        /** The middle {@code level} of the values, NaN values left out; {@link #NONE} when all are NaN. */
        static Interval percentile(double[] values, double level) {
            double[] sorted = Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
            if (sorted.length == 0) {
                return NONE;
            }
            // As many values left out below as above; the slack keeps (1 - 0.9) / 2 * 1000 at 50, not 49.
            int outside = (int) Math.floor((1 - level) / 2 * sorted.length + 1e-9);
            return new Interval(sorted[outside], sorted[sorted.length - 1 - outside]);
        }
    }

    /**
     * Each figure's values over the draws.
     *
     * @param photos     how many photos the set holds (each draw holds as many)
     * @param statistics the figures of one draw, given the indices of its photos (repeats included); the
     *                   same number of figures for every draw
     * @return values[f][r]: figure f on draw r
     */
    public double[][] replicates(int photos, Function<int[], double[]> statistics) {
        return replicates(new int[] {photos}, draws -> statistics.apply(draws[0]));
    }

    /**
     * Each figure's values over draws of several sets at once, each set drawn on its own (with
     * replacement, as many photos as it holds), in the order given; with one set, the same draws as
     * {@link #replicates(int, Function)}.
     *
     * @param photos     how many photos each set holds
     * @param statistics the figures of one draw, given each set's drawn indices
     * @return values[f][r]: figure f on draw r
     */
    public double[][] replicates(int[] photos, Function<int[][], double[]> statistics) {
        for (int size : photos) {
            if (size < 1) {
                throw new IllegalArgumentException("nothing to resample: a set holds no photos");
            }
        }
        SplittableRandom random = new SplittableRandom(seed);
        double[][] values = null;
        int[][] draws = new int[photos.length][];
        for (int s = 0; s < photos.length; s++) {
            draws[s] = new int[photos[s]];
        }
        for (int r = 0; r < resamples; r++) {
            for (int s = 0; s < photos.length; s++) {
                for (int i = 0; i < photos[s]; i++) {
                    draws[s][i] = random.nextInt(photos[s]);
                }
            }
            double[] figures = statistics.apply(draws);
            if (values == null) {
                values = new double[figures.length][resamples];
            }
            for (int f = 0; f < figures.length; f++) {
                values[f][r] = figures[f];
            }
        }
        return values;
    }

    /** Each figure's {@link #LEVEL} interval over the draws, in the order {@code statistics} gives them. */
    public Interval[] intervals(int photos, Function<int[], double[]> statistics) {
        return percentiles(replicates(photos, statistics));
    }

    private static Interval[] percentiles(double[][] values) {
        Interval[] intervals = new Interval[values.length];
        for (int f = 0; f < values.length; f++) {
            intervals[f] = Interval.percentile(values[f], LEVEL);
        }
        return intervals;
    }
}
