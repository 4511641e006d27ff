package dev.streetnum.model;

import dev.streetnum.data.SequenceLabels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Exact O(N) MAP decoding of the six heads (DESIGN section 4). Given the length, the digits are
 * independent, so the best sequence of each length n takes every position's argmax; a running sum of
 * their log-probabilities gives score(n) = log P(L=n) + sum_{i<=n} max_j log P(s_i=j) for all n in one
 * pass, and the answer is the best n. ">5" winning means "cannot transcribe".
 */
public final class SequenceDecoder {

    /** How many alternatives each transcription lists (for review queues). */
    public static final int ALTERNATIVES = 5;

    private SequenceDecoder() {
    }

    /**
     * @param headProbabilities softmax outputs in network order: length [mb,7], digit1..digit5 [mb,10]
     */
    public static List<Transcription> decode(INDArray[] headProbabilities) {
        if (headProbabilities.length != SequenceLabels.HEADS) {
            throw new IllegalArgumentException("decoding needs the " + SequenceLabels.HEADS
                    + " head outputs (length, digit1..digit5), got " + headProbabilities.length);
        }
        int mb = (int) headProbabilities[0].size(0);
        double[][][] perHead = new double[SequenceLabels.HEADS][][];
        for (int h = 0; h < SequenceLabels.HEADS; h++) {
            perHead[h] = rows(headProbabilities[h]);
        }
        List<Transcription> out = new ArrayList<>(mb);
        for (int e = 0; e < mb; e++) {
            double[][] heads = new double[SequenceLabels.HEADS][];
            for (int h = 0; h < SequenceLabels.HEADS; h++) {
                heads[h] = perHead[h][e];
            }
            out.add(decode(heads));
        }
        return out;
    }

    /**
     * Averages each head's probabilities, then decodes once per group: the one rule of test-time views
     * and ensembles (DESIGN section 4). A mean of distributions is a distribution per head, so the
     * decoding stays exact. One model and groups of one row is {@link #decode(INDArray[])}, bit for bit.
     *
     * @param perModel each model's softmax outputs for the same input rows, in network order
     * @param groups   the rows fall into this many runs of consecutive rows (an image's views): each run's
     *                 rows, in every model, are averaged into one answer
     */
    public static List<Transcription> decodeMean(List<INDArray[]> perModel, int groups) {
        return decodeMean(perModel, groups, EnsembleScore.MEAN_HEADS);
    }

    /**
     * As {@link #decodeMean(List, int)}, each answer scored by {@code score}: with
     * {@link EnsembleScore#AGREEMENT} and several models, log P(S*|x) becomes the mean over the models of
     * log P_m(S*|x), each model's heads averaged over the group's rows (its own views); the answer, the
     * averaged heads it carries, the alternatives (scored by the averaged heads) and ">5" are as before.
     * One model scores the same either way.
     */
    public static List<Transcription> decodeMean(List<INDArray[]> perModel, int groups, EnsembleScore score) {
        INDArray[] first = perModel.get(0);
        long rows = first[0].size(0);
        if (groups < 1 || rows % groups != 0) {
            throw new IllegalArgumentException(rows + " rows do not fall into " + groups + " groups of equal size");
        }
        int perGroup = (int) (rows / groups);
        if (perModel.size() == 1 && perGroup == 1) {
            return decode(first);
        }
        // Each model's outputs as [head][row][class], read off the arrays once.
        List<double[][][]> outputs = new ArrayList<>(perModel.size());
        for (INDArray[] heads : perModel) {
            if (heads.length != SequenceLabels.HEADS || heads[0].size(0) != rows) {
                throw new IllegalArgumentException("the models' outputs must be " + SequenceLabels.HEADS
                        + " heads of " + rows + " rows each, like the first model's");
            }
            double[][][] p = new double[SequenceLabels.HEADS][][];
            for (int h = 0; h < SequenceLabels.HEADS; h++) {
                p[h] = rows(heads[h]);
            }
            outputs.add(p);
        }
        double[][][] mean = new double[groups][SequenceLabels.HEADS][];
        double share = 1.0 / (perGroup * perModel.size());
        for (double[][][] p : outputs) {
            for (int h = 0; h < SequenceLabels.HEADS; h++) {
                for (int r = 0; r < rows; r++) {
                    double[] sum = mean[r / perGroup][h];
                    if (sum == null) {
                        sum = new double[p[h][r].length];
                        mean[r / perGroup][h] = sum;
                    }
                    for (int k = 0; k < sum.length; k++) {
                        sum[k] += p[h][r][k] * share;
                    }
                }
            }
        }
        boolean byAgreement = score == EnsembleScore.AGREEMENT && perModel.size() > 1;
        List<Transcription> out = new ArrayList<>(groups);
        for (int g = 0; g < groups; g++) {
            Transcription answer = decode(mean[g]);
            out.add(byAgreement ? answer.scored(agreement(ownHeads(outputs, g, perGroup), answer.candidate())) : answer);
        }
        return out;
    }

    /** Each model's heads for group {@code g}, averaged over the group's rows (its own views). */
    private static List<double[][]> ownHeads(List<double[][][]> outputs, int g, int perGroup) {
        List<double[][]> own = new ArrayList<>(outputs.size());
        for (double[][][] p : outputs) {
            List<double[][]> rows = new ArrayList<>(perGroup);
            for (int r = g * perGroup; r < (g + 1) * perGroup; r++) {
                double[][] heads = new double[SequenceLabels.HEADS][];
                for (int h = 0; h < SequenceLabels.HEADS; h++) {
                    heads[h] = p[h][r];
                }
                rows.add(heads);
            }
            own.add(meanHeads(rows));
        }
        return own;
    }

    /**
     * log of the geometric mean of the models' own P_m(S|x) of {@code text}: the mean of their
     * log P_m(L = n) + sum_{i<=n} log P_m(s_i), each kept above the log of the smallest normal double so a
     * probability that underflowed to 0 scores very low, not -infinity (as {@link #decode(double[][])}).
     *
     * @param perModelHeads each model's six heads, as {@link #decode(double[][])} takes them
     */
    static double agreement(List<double[][]> perModelHeads, String text) {
        double sum = 0;
        for (double[][] heads : perModelHeads) {
            sum += Math.max(SequenceLikelihood.logProbability(heads, text), log(0));
        }
        return sum / perModelHeads.size();
    }

    /**
     * A head's output [rows, classes] as rows of doubles, read off its buffer in one copy: ND4J's
     * {@code toDoubleMatrix} costs about 45 microseconds a row here (5.6-6.5 ms for the [128, 10] of 32 photos
     * read in four boxes, six heads and four networks a batch). A view or another order is copied plain
     * first; a buffer holding more than the array is read through ND4J.
     */
    static double[][] rows(INDArray head) {
        if (head.rank() != 2) {
            throw new IllegalArgumentException("a head's output is [rows, classes], got " + Arrays.toString(head.shape()));
        }
        INDArray plain = head.isView() || head.ordering() != 'c' ? head.dup('c') : head;
        int rows = (int) plain.size(0);
        int classes = (int) plain.size(1);
        double[] flat = plain.data().asDouble();
        if (flat.length != (long) rows * classes) {
            return plain.toDoubleMatrix();
        }
        double[][] out = new double[rows][];
        for (int r = 0; r < rows; r++) {
            out[r] = Arrays.copyOfRange(flat, r * classes, (r + 1) * classes);
        }
        return out;
    }

    /** Each head's probabilities averaged over the views (as {@link #decode(double[][])} takes heads). */
    public static double[][] meanHeads(List<double[][]> views) {
        double share = 1.0 / views.size();
        double[][] mean = new double[SequenceLabels.HEADS][];
        for (double[][] heads : views) {
            for (int h = 0; h < SequenceLabels.HEADS; h++) {
                if (mean[h] == null) {
                    mean[h] = new double[heads[h].length];
                }
                for (int j = 0; j < heads[h].length; j++) {
                    mean[h][j] += heads[h][j] * share;
                }
            }
        }
        return mean;
    }

    /**
     * The answer of a mixture: P(S|x) = (1/V) sum_v P_v(S|x), each view's P_v the sequence likelihood
     * of its own heads (DESIGN section 4), and the string with the highest mixture probability. Unlike
     * {@link #decodeMean} this keeps each view's heads together, so a number one view reads truncated
     * ("18" on a box that cuts off the "1" of "181") and another whole scores low in both readings.
     * Exact: the candidates are every view's top k strings, and k grows until the best mixture is at
     * least (1/V) sum_v (view v's k-th best probability), a bound on any string outside the candidates.
     * The returned heads are the mixture's marginals, the mean of the views' heads; ">5" is judged as
     * in {@link #decode(double[][])}, on those marginals. One view is {@link #decode(double[][])}.
     *
     * @param views each view's heads, as {@link #decode(double[][])} takes them
     */
    public static Transcription decodeMixture(List<double[][]> views) {
        if (views.isEmpty()) {
            throw new IllegalArgumentException("a mixture needs at least one view");
        }
        if (views.size() == 1) {
            return decode(views.get(0));
        }
        double share = 1.0 / views.size();
        double[][] marginals = meanHeads(views);
        List<String> tops = new ArrayList<>(views.size());
        for (double[][] heads : views) {
            tops.add(decode(heads).candidate());
        }
        for (int k = ALTERNATIVES + 1; ; k *= 4) {
            Set<String> candidates = new LinkedHashSet<>(tops);
            double bound = 0;
            for (int v = 0; v < views.size(); v++) {
                List<Transcription.Alternative> next = alternatives(views.get(v), tops.get(v), k - 1);
                next.forEach(a -> candidates.add(a.text()));
                bound += next.get(next.size() - 1).confidence() * share;
            }
            List<Scored> scored = new ArrayList<>(candidates.size());
            for (String text : candidates) {
                double mixture = 0;
                for (double[][] heads : views) {
                    mixture += Math.exp(SequenceLikelihood.logProbability(heads, text)) * share;
                }
                scored.add(new Scored(text, log(mixture)));
            }
            scored.sort(Scored.BEST_FIRST);
            Scored best = scored.get(0);
            if (Math.exp(best.log) >= bound || k >= MAX_MIXTURE_CANDIDATES) {
                List<Transcription.Alternative> others = new ArrayList<>(ALTERNATIVES);
                for (Scored s : scored.subList(1, Math.min(scored.size(), ALTERNATIVES + 1))) {
                    others.add(new Transcription.Alternative(s.text, Math.exp(s.log)));
                }
                // The marginals' own decoding gives their ad hoc confidence and copies of the heads.
                Transcription marginal = decode(marginals);
                boolean transcribable = log(marginals[0][SequenceLabels.OVERFLOW_CLASS]) <= best.log;
                return new Transcription(best.text, transcribable, Math.exp(best.log), best.log,
                        marginal.adHocConfidence(), marginal.lengthProbabilities(), marginal.digitProbabilities(),
                        others, null, null);
            }
        }
    }

    /** Past this many strings per view the mixture's best candidate is kept without the exactness bound. */
    static final int MAX_MIXTURE_CANDIDATES = 6 * 4 * 4 * 4 * 4;

    /** Decodes one example: heads[0] the 7 length probabilities, heads[1..5] the digit probabilities. */
    public static Transcription decode(double[][] heads) {
        double[] length = heads[0];
        StringBuilder prefix = new StringBuilder(SequenceLabels.MAX_DIGITS);
        double prefixLog = 0;
        double adHoc = max(length);
        String best = "";
        double bestLog = log(length[0]);
        for (int i = 1; i <= SequenceLabels.MAX_DIGITS; i++) {
            double[] digit = heads[i];
            int argmax = argmax(digit);
            adHoc *= digit[argmax];
            prefix.append((char) ('0' + argmax));
            prefixLog += log(digit[argmax]);
            double score = log(length[i]) + prefixLog;
            if (score > bestLog) {
                bestLog = score;
                best = prefix.toString();
            }
        }
        boolean transcribable = log(length[SequenceLabels.OVERFLOW_CLASS]) <= bestLog;
        double[][] digits = new double[SequenceLabels.MAX_DIGITS][];
        for (int i = 0; i < digits.length; i++) {
            digits[i] = heads[1 + i].clone();
        }
        return new Transcription(best, transcribable, Math.exp(bestLog), bestLog, adHoc, length.clone(), digits,
                alternatives(heads, best, ALTERNATIVES), null, null);
    }

    /**
     * The {@code k} most probable digit strings other than {@code best}, best first. Exact: a
     * sequence in the top k of length i has its length-(i-1) prefix in the top k of that length, so
     * extending the k best prefixes by every digit and keeping k finds them all.
     */
    static List<Transcription.Alternative> alternatives(double[][] heads, String best, int k) {
        List<Scored> all = new ArrayList<>();
        List<Scored> prefixes = List.of(new Scored("", 0));
        all.add(new Scored("", log(heads[0][0])));
        for (int i = 1; i <= SequenceLabels.MAX_DIGITS; i++) {
            List<Scored> extended = new ArrayList<>(prefixes.size() * SequenceLabels.DIGIT_CLASSES);
            for (Scored p : prefixes) {
                for (int d = 0; d < SequenceLabels.DIGIT_CLASSES; d++) {
                    extended.add(new Scored(p.text + (char) ('0' + d), p.log + log(heads[i][d])));
                }
            }
            extended.sort(Scored.BEST_FIRST);
            prefixes = extended.subList(0, Math.min(k + 1, extended.size()));
            for (Scored p : prefixes) {
                all.add(new Scored(p.text, p.log + log(heads[0][i])));
            }
        }
        all.sort(Scored.BEST_FIRST);
        List<Transcription.Alternative> out = new ArrayList<>(k);
        for (Scored s : all) {
            if (out.size() == k) {
                break;
            }
            if (!s.text.equals(best)) {
                out.add(new Transcription.Alternative(s.text, Math.exp(s.log)));
            }
        }
        return out;
    }

    private record Scored(String text, double log) {
        static final Comparator<Scored> BEST_FIRST = Comparator.comparingDouble(Scored::log).reversed();
    }

    /** log that maps a probability of 0 (float underflow) to a very negative number, not -infinity. */
    private static double log(double p) {
        return Math.log(Math.max(p, Double.MIN_NORMAL));
    }

    private static int argmax(double[] v) {
        int best = 0;
        for (int j = 1; j < v.length; j++) {
            if (v[j] > v[best]) {
                best = j;
            }
        }
        return best;
    }

    private static double max(double[] v) {
        return v[argmax(v)];
    }
}
