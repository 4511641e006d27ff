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
 * <p>Stored as a JSON object from accuracy key to threshold ({"0.98": 0.73}), as bundles always
 * held them; the provenance is stored beside it by the holder (the bundle's provenance, the int8
 * model's metadata properties).
 */
public final class Thresholds {

    /** No operating point calibrated yet. */
    public static final Thresholds NONE = new Thresholds(new TreeMap<>(), null);
    /**
     * The score of an answer the model cannot give (">5" digits won): below every threshold, so such
     * an answer is refused at any operating point, and ranked last by a coverage curve.
     */
    public static final double REFUSED = Double.NEGATIVE_INFINITY;

    private final SortedMap<TargetAccuracy, Double> byTarget;
    private final String calibratedOn;

    private Thresholds(SortedMap<TargetAccuracy, Double> byTarget, String calibratedOn) {
        this.byTarget = Collections.unmodifiableSortedMap(byTarget);
        this.calibratedOn = calibratedOn;
    }

    /** From stored keys, e.g. {"0.98": 0.73}; a missing map is {@link #NONE}. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Thresholds fromKeys(Map<String, Double> keyed) {
        return fromKeys(keyed, null);
    }

    /**
     * From stored keys, with where they were calibrated (null when not known).
     *
     * @throws IllegalArgumentException naming the entry when a key is not an accuracy in (0, 1], a
     *                                  threshold is not in [0, 1], or one accuracy is given twice
     */
    public static Thresholds fromKeys(Map<String, Double> keyed, String calibratedOn) {
        SortedMap<TargetAccuracy, Double> byTarget = new TreeMap<>();
        if (keyed != null) {
            for (Map.Entry<String, Double> e : keyed.entrySet()) {
                TargetAccuracy target = TargetAccuracy.parse(e.getKey());
                if (byTarget.containsKey(target)) {
                    throw new IllegalArgumentException("the thresholds name accuracy " + target + " twice (as '"
                            + e.getKey() + "' and another key)");
                }
                byTarget.put(target, checkedThreshold(e.getValue() == null ? Double.NaN : e.getValue(), target));
            }
        }
        return new Thresholds(byTarget, calibratedOn);
    }

    /** The threshold calibrated for {@code target}, if there is one: the one lookup. */
    public OptionalDouble at(TargetAccuracy target) {
        Double t = byTarget.get(target);
        return t == null ? OptionalDouble.empty() : OptionalDouble.of(t);
    }

    /**
     * The threshold calibrated for {@code target}.
     *
     * @param modelId names the model in the error
     * @throws IllegalArgumentException saying what there is and how to calibrate, when there is none
     */
    public double require(TargetAccuracy target, String modelId) {
        return at(target).orElseThrow(() -> new IllegalArgumentException("model " + modelId
                + " has no threshold calibrated for " + target + " accuracy (it has "
                + (isEmpty() ? "none" : byKey().toString()) + "): run the evaluator to calibrate one"
                + " (evaluate --write-threshold), or give --threshold"));
    }

    /** With the threshold for {@code target} added or replaced, e.g. {@code with(TargetAccuracy.PAPER, 0.73)}. */
    public Thresholds with(TargetAccuracy target, double threshold) {
        SortedMap<TargetAccuracy, Double> more = new TreeMap<>(byTarget);
        more.put(target, checkedThreshold(threshold, target));
        return new Thresholds(more, calibratedOn);
    }

    /**
     * These thresholds with {@code newer}'s added or replacing those for the same accuracies (an
     * accuracy {@code newer} does not reach keeps its old threshold); the provenance is
     * {@code newer}'s when it has one.
     */
    public Thresholds updatedWith(Thresholds newer) {
        SortedMap<TargetAccuracy, Double> merged = new TreeMap<>(byTarget);
        merged.putAll(newer.byTarget);
        return new Thresholds(merged, newer.calibratedOn != null ? newer.calibratedOn : calibratedOn);
    }

    /** The same thresholds, calibrated on {@code where} (a data set's identity; null: not known). */
    public Thresholds calibratedOn(String where) {
        return new Thresholds(new TreeMap<>(byTarget), where);
    }

    /** The data set the thresholds were chosen on, when known. */
    public Optional<String> calibratedOn() {
        return Optional.ofNullable(calibratedOn);
    }

    public boolean isEmpty() {
        return byTarget.isEmpty();
    }

    /** As stored, by accuracy key in ascending accuracy: {"0.95": 0.41, "0.98": 0.73}. */
    @JsonValue
    public Map<String, Double> byKey() {
        Map<String, Double> keyed = new LinkedHashMap<>();
        byTarget.forEach((target, t) -> keyed.put(target.key(), t));
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
                && Objects.equals(calibratedOn, other.calibratedOn);
    }

    @Override
    public int hashCode() {
        return Objects.hash(byTarget, calibratedOn);
    }

    /** As stored, then the provenance: {0.98=0.73} calibrated on data/val. */
    @Override
    public String toString() {
        return byKey() + (calibratedOn == null ? "" : " calibrated on " + calibratedOn);
    }
}
