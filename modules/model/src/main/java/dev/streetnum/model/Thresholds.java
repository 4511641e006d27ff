package dev.streetnum.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The operating points of one engine's network (DESIGN sections 6 and 7): the P(S|x) threshold
 * calibrated for each target accuracy, where they were calibrated, and the rule they are applied
 * with. The evaluator writes them ({@code Engine.withThresholds}), the service and {@code transcribe}
 * read them ({@link InferenceEngine#thresholds}), and every judge of an answer (the service, the
 * report's "accepted" column, its refusal sheet, the coverage curve) applies {@link #accepts}: change
 * the rule here and the evaluator calibrates the rule the service applies.
 *
 * <p>Answers read from a box the caller gave and answers read from the box the localizer found (no
 * box given) are calibrated apart (issue 25): the second path is less sure of itself for the same
 * P(S|x), so one threshold would answer no-box photos far below the target accuracy. A bundle
 * calibrated before that has only the first; its no-box answers are judged by it, as before.
 *
 * <p>Stored as a JSON object from accuracy key to threshold ({"0.98": 0.73, "no-box 0.98": 0.99}), as
 * bundles always held them; the provenance is stored beside it by the holder (the bundle's
 * provenance, the int8 model's metadata properties).
 */
public final class Thresholds {

    /** No operating point calibrated yet. */
    public static final Thresholds NONE = new Thresholds(new TreeMap<>(), new TreeMap<>(), null, null);
    /** The stored key of a no-box threshold is this prefix and the accuracy's key: "no-box 0.98". */
    static final String NO_BOX_KEY = "no-box ";
    /**
     * The score of an answer the model cannot give (">5" digits won): below every threshold, so such
     * an answer is refused at any operating point, and ranked last by a coverage curve.
     */
    public static final double REFUSED = Double.NEGATIVE_INFINITY;

    private final SortedMap<TargetAccuracy, Double> byTarget;
    private final SortedMap<TargetAccuracy, Double> noBoxByTarget;
    private final String calibratedOn;
    private final String noBoxCalibratedOn;

    private Thresholds(SortedMap<TargetAccuracy, Double> byTarget, SortedMap<TargetAccuracy, Double> noBoxByTarget,
                       String calibratedOn, String noBoxCalibratedOn) {
        this.byTarget = Collections.unmodifiableSortedMap(byTarget);
        this.noBoxByTarget = Collections.unmodifiableSortedMap(noBoxByTarget);
        this.calibratedOn = calibratedOn;
        this.noBoxCalibratedOn = noBoxCalibratedOn;
    }

    /** From stored keys, e.g. {"0.98": 0.73}; a missing map is {@link #NONE}. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Thresholds fromKeys(Map<String, Double> keyed) {
        return fromKeys(keyed, null, null);
    }

    /** From stored keys, with where the caller's-box ones were calibrated (null when not known). */
    public static Thresholds fromKeys(Map<String, Double> keyed, String calibratedOn) {
        return fromKeys(keyed, calibratedOn, null);
    }

    /**
     * From stored keys, with where each kind was calibrated (null when not known).
     *
     * @throws IllegalArgumentException naming the entry when a key is not an accuracy in (0, 1] (after
     *                                  {@value #NO_BOX_KEY}, for a no-box one), a threshold is not in
     *                                  [0, 1], or one accuracy is given twice
     */
    public static Thresholds fromKeys(Map<String, Double> keyed, String calibratedOn, String noBoxCalibratedOn) {
        SortedMap<TargetAccuracy, Double> byTarget = new TreeMap<>();
        SortedMap<TargetAccuracy, Double> noBox = new TreeMap<>();
        if (keyed != null) {
            for (Map.Entry<String, Double> e : keyed.entrySet()) {
                boolean isNoBox = e.getKey().startsWith(NO_BOX_KEY);
                TargetAccuracy target = TargetAccuracy.parse(isNoBox ? e.getKey().substring(NO_BOX_KEY.length()) : e.getKey());
                SortedMap<TargetAccuracy, Double> into = isNoBox ? noBox : byTarget;
                if (into.containsKey(target)) {
                    throw new IllegalArgumentException("the thresholds name accuracy " + target + " twice (as '"
                            + e.getKey() + "' and another key)");
                }
                into.put(target, checkedThreshold(e.getValue() == null ? Double.NaN : e.getValue(), target));
            }
        }
        return new Thresholds(byTarget, noBox, calibratedOn, noBoxCalibratedOn);
    }

    /** The threshold calibrated for {@code target} on answers read from a caller's box, if there is one. */
    public OptionalDouble at(TargetAccuracy target) {
        Double t = byTarget.get(target);
        return t == null ? OptionalDouble.empty() : OptionalDouble.of(t);
    }

    /** The threshold calibrated for {@code target} on answers read without a box given, if there is one. */
    public OptionalDouble atNoBox(TargetAccuracy target) {
        Double t = noBoxByTarget.get(target);
        return t == null ? OptionalDouble.empty() : OptionalDouble.of(t);
    }

    /**
     * The thresholds a reader applies for {@code target}: the caller's-box one, and the no-box one where
     * it was calibrated (else the caller's-box one, as bundles calibrated before issue 25 were served).
     *
     * @throws IllegalArgumentException as {@link #require} when no caller's-box threshold is calibrated
     */
    public AcceptanceThreshold acceptance(TargetAccuracy target, String modelId) {
        double withBox = require(target, modelId);
        return new AcceptanceThreshold(withBox, noBoxOrCallers(target).orElse(withBox));
    }

    /**
     * The threshold for {@code target} that judges answers read without a box: the no-box one, else the
     * caller's-box one (as {@link #acceptance} falls back). A reader of whole photos only (pseudo-label)
     * needs no caller's-box threshold, so a bundle calibrated with {@code evaluate --no-box} alone suffices.
     *
     * @param modelId names the model in the error
     * @throws IllegalArgumentException saying what there is and how to calibrate, when there is neither
     */
    public double requireNoBox(TargetAccuracy target, String modelId) {
        return noBoxOrCallers(target).orElseThrow(() -> missing(target, modelId, " without a box", "--no-box "));
    }

    /** The one fallback: answers read without a box are judged by the no-box threshold, else the caller's-box one. */
    private OptionalDouble noBoxOrCallers(TargetAccuracy target) {
        OptionalDouble noBox = atNoBox(target);
        return noBox.isPresent() ? noBox : at(target);
    }

    /**
     * The threshold calibrated for {@code target}.
     *
     * @param modelId names the model in the error
     * @throws IllegalArgumentException saying what there is and how to calibrate, when there is none
     */
    public double require(TargetAccuracy target, String modelId) {
        return at(target).orElseThrow(() -> missing(target, modelId, "", ""));
    }

    /** What is missing, what there is, and the evaluate options that calibrate it. */
    private IllegalArgumentException missing(TargetAccuracy target, String modelId, String path, String options) {
        return new IllegalArgumentException("model " + modelId + " has no threshold calibrated for " + target
                + " accuracy" + path + " (it has " + (isEmpty() ? "none" : byKey().toString())
                + "): run the evaluator to calibrate one (evaluate " + options + "--write-threshold), or give --threshold");
    }

    /** With the threshold for {@code target} added or replaced, e.g. {@code with(TargetAccuracy.PAPER, 0.73)}. */
    public Thresholds with(TargetAccuracy target, double threshold) {
        SortedMap<TargetAccuracy, Double> more = new TreeMap<>(byTarget);
        more.put(target, checkedThreshold(threshold, target));
        return new Thresholds(more, new TreeMap<>(noBoxByTarget), calibratedOn, noBoxCalibratedOn);
    }

    /**
     * These caller's-box thresholds as no-box ones (and none for a caller's box): what a calibration on
     * photos read without a box ({@code evaluate --no-box}) stores.
     */
    public Thresholds asNoBox() {
        if (!noBoxByTarget.isEmpty()) {
            throw new IllegalStateException("these thresholds hold no-box ones already: " + this);
        }
        return new Thresholds(new TreeMap<>(), new TreeMap<>(byTarget), null, calibratedOn);
    }

    /**
     * These thresholds with {@code newer}'s added or replacing those for the same accuracies and kind
     * of box (an accuracy {@code newer} does not reach keeps its old threshold); each kind's provenance
     * is {@code newer}'s when it has one.
     */
    public Thresholds updatedWith(Thresholds newer) {
        SortedMap<TargetAccuracy, Double> merged = new TreeMap<>(byTarget);
        merged.putAll(newer.byTarget);
        SortedMap<TargetAccuracy, Double> mergedNoBox = new TreeMap<>(noBoxByTarget);
        mergedNoBox.putAll(newer.noBoxByTarget);
        return new Thresholds(merged, mergedNoBox, newer.calibratedOn != null ? newer.calibratedOn : calibratedOn,
                newer.noBoxCalibratedOn != null ? newer.noBoxCalibratedOn : noBoxCalibratedOn);
    }

    /** The same thresholds, the caller's-box ones calibrated on {@code where} (null: not known). */
    public Thresholds calibratedOn(String where) {
        return calibratedOn(where, noBoxCalibratedOn);
    }

    /**
     * The same thresholds, the caller's-box ones calibrated on {@code where} and the no-box ones on
     * {@code noBoxWhere} (data sets' identities; null: not known).
     */
    public Thresholds calibratedOn(String where, String noBoxWhere) {
        return new Thresholds(new TreeMap<>(byTarget), new TreeMap<>(noBoxByTarget), where, noBoxWhere);
    }

    /** The data set the caller's-box thresholds were chosen on, when known. */
    public Optional<String> calibratedOn() {
        return Optional.ofNullable(calibratedOn);
    }

    /** The data set the no-box thresholds were chosen on (its photos read without their boxes), when known. */
    public Optional<String> noBoxCalibratedOn() {
        return Optional.ofNullable(noBoxCalibratedOn);
    }

    /** Whether any no-box threshold is calibrated. */
    public boolean hasNoBox() {
        return !noBoxByTarget.isEmpty();
    }

    public boolean isEmpty() {
        return byTarget.isEmpty() && noBoxByTarget.isEmpty();
    }

    /**
     * As stored, by accuracy key in ascending accuracy, the no-box ones after:
     * {"0.95": 0.41, "0.98": 0.73, "no-box 0.98": 0.99}.
     */
    @JsonValue
    public Map<String, Double> byKey() {
        Map<String, Double> keyed = new LinkedHashMap<>();
        byTarget.forEach((target, t) -> keyed.put(target.key(), t));
        noBoxByTarget.forEach((target, t) -> keyed.put(NO_BOX_KEY + target.key(), t));
        return Collections.unmodifiableMap(keyed);
    }

    /**
     * The acceptance rule (DESIGN section 7): an answer is given only when the model can transcribe
     * the number (">5" did not win) and its P(S|x) reaches the threshold, {@code confidence >= t}.
     */
    public static boolean accepts(boolean transcribable, double confidence, double threshold) {
        return acceptsScore(score(transcribable, confidence), threshold);
    }

    /** {@link #accepts} for an answer already reduced to its {@link #score}, as coverage curves hold them. */
    public static boolean acceptsScore(double score, double threshold) {
        return score >= threshold;
    }

    /**
     * The number a threshold is compared with: the confidence, or {@link #REFUSED} when the model
     * cannot transcribe. Coverage curves rank by it, so a threshold chosen on a curve accepts exactly
     * what {@link #accepts} accepts.
     */
    public static double score(boolean transcribable, double confidence) {
        return transcribable ? confidence : REFUSED;
    }

    /**
     * {@code threshold} when it is a P(S|x) threshold, in [0, 1].
     *
     * @param target the accuracy it was calibrated for, named in the error; null for a threshold given outright
     */
    public static double checkedThreshold(double threshold, TargetAccuracy target) {
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("a P(S|x) threshold is a probability in [0, 1], got " + threshold
                    + (target == null ? "" : " for accuracy " + target));
        }
        return threshold;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Thresholds other && byTarget.equals(other.byTarget)
                && noBoxByTarget.equals(other.noBoxByTarget)
                && Objects.equals(calibratedOn, other.calibratedOn)
                && Objects.equals(noBoxCalibratedOn, other.noBoxCalibratedOn);
    }

    @Override
    public int hashCode() {
        return Objects.hash(byTarget, noBoxByTarget, calibratedOn, noBoxCalibratedOn);
    }

    /** As stored, then the provenance: {0.98=0.73} calibrated on data/val. */
    @Override
    public String toString() {
        return byKey() + (calibratedOn == null ? "" : " calibrated on " + calibratedOn)
                + (noBoxCalibratedOn == null ? "" : ", no-box on " + noBoxCalibratedOn);
    }
}
