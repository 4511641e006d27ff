package dev.streetnum.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.streetnum.data.PreprocessConfig;
import dev.streetnum.data.StreetnumVersion;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What travels with the weights (DESIGN section 5): how the model was made and how to feed it.
 * Written as {@code metadata.json} inside the bundle.
 *
 * @param formatVersion   bundle format; loading a different one either works or says why not
 * @param modelId         a stable id for answers and metrics, e.g. "cpu-20261129-1f3a"
 * @param preset          network preset name
 * @param preprocess      crop expansion, resize and crop sizes
 * @param normalisation   how pixels were normalised (named, so serve and eval do the same)
 * @param thresholds      the DL4J network's calibrated P(S|x) thresholds by target accuracy, stored as
 *                        {"0.98": 0.73}; where they were calibrated is the provenance's
 *                        {@value #THRESHOLDS_CALIBRATED_ON}
 * @param provenance      data identity, seed, config, command line, git commit, time
 * @param metrics         training/validation metrics
 * @param softwareVersion streetnum version that wrote the bundle
 * @param noBoxMembers    of the networks the bundle reads with (its own, then its partners'), how many, the
 *                        first, read a photo sent without a box; the rest read only a box the caller gives
 *                        (issue 25: more networks rank a given box better and the localized boxes no
 *                        better, and each localized box costs every no-box network a read). Null: every one
 * @param boxMembers      of the same networks, how many, the last, read a box the caller gives; the others read
 *                        only a photo sent without one (issue 25, R48: a network trained on numbers cut short
 *                        reads the localizer's boxes surely and a caller's tight box less well). Null: every one.
 *                        Both are checked where the networks are counted ({@link ModelBundle}, by
 *                        {@link ReadingPaths}): the metadata alone cannot tell whether 3 is too many
 * @param boxScore        how the answer to a caller's box is scored by the networks that read it ({@link EnsembleScore};
 *                        issue 25, R51). Null: by their averaged heads, as every bundle before it
 * @param noBoxScore      how the answer to a photo sent without a box is scored by the networks that read it
 *                        (issue 25, R52, R54; the box kept is the averaged heads' choice either way). Null: by
 *                        their averaged heads
 */
public record BundleMetadata(
        int formatVersion,
        String modelId,
        String preset,
        PreprocessConfig preprocess,
        String normalisation,
        Thresholds thresholds,
        Map<String, Object> provenance,
        Map<String, Double> metrics,
        String softwareVersion,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer noBoxMembers,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer boxMembers,
        @JsonInclude(JsonInclude.Include.NON_NULL) EnsembleScore boxScore,
        @JsonInclude(JsonInclude.Include.NON_NULL) EnsembleScore noBoxScore) {

    /** The bundle format this code writes and reads. Bump it when the layout or a field's meaning changes. */
    public static final int FORMAT_VERSION = 1;
    /** CropExpander's normalisation: each image's own per-channel mean subtracted, then scaled. */
    public static final String PER_IMAGE_MEAN = "per-image-channel-mean";
    /** The provenance entry naming the data set the thresholds were calibrated on. */
    static final String THRESHOLDS_CALIBRATED_ON = "thresholdsCalibratedOn";
    /** The provenance entry naming the data set the no-box thresholds were calibrated on. */
    static final String NO_BOX_THRESHOLDS_CALIBRATED_ON = "noBoxThresholdsCalibratedOn";

    /** The one JSON mapping for metadata, shared with {@link ModelBundle}. */
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() {
    };

    public BundleMetadata {
        if (modelId == null || modelId.isBlank()) {
            throw new IllegalArgumentException("bundle metadata needs a model id");
        }
        if (preset == null || preset.isBlank()) {
            throw new IllegalArgumentException("bundle metadata needs a preset name");
        }
        if (preprocess == null) {
            throw new IllegalArgumentException("bundle metadata needs the preprocessing configuration");
        }
        if (normalisation == null || normalisation.isBlank()) {
            throw new IllegalArgumentException("bundle metadata needs the normalisation's name");
        }
        // As JSON will give it back (a long 2 reads as an int 2), so a reloaded bundle equals the saved one.
        provenance = frozen(provenance == null ? null : throughJson(provenance));
        Object calibratedOn = provenance.get(THRESHOLDS_CALIBRATED_ON);
        Object noBoxCalibratedOn = provenance.get(NO_BOX_THRESHOLDS_CALIBRATED_ON);
        thresholds = (thresholds == null ? Thresholds.NONE : thresholds)
                .calibratedOn(calibratedOn == null ? null : calibratedOn.toString(),
                        noBoxCalibratedOn == null ? null : noBoxCalibratedOn.toString());
        metrics = frozen(metrics);
        softwareVersion = softwareVersion == null ? "unknown" : softwareVersion;
    }

    /** Metadata for a freshly built network in the current format and software version. */
    public static BundleMetadata create(String modelId, Preset preset, PreprocessConfig preprocess,
                                        Map<String, Object> provenance) {
        return new BundleMetadata(FORMAT_VERSION, modelId, preset.name().toLowerCase(java.util.Locale.ROOT),
                preprocess, PER_IMAGE_MEAN, Thresholds.NONE, provenance, Map.of(), StreetnumVersion.VERSION, null, null,
                null, null);
    }

    /** The preset this bundle's network was built from. */
    public Preset presetValue() {
        return Preset.parse(preset);
    }

    /**
     * With these thresholds in place of the ones held (the evaluator's calibration, through
     * {@code Engine.withThresholds}); where they were calibrated goes into the provenance, where
     * bundles have always kept it.
     */
    public BundleMetadata withThresholds(Thresholds newThresholds) {
        Map<String, Object> p = new LinkedHashMap<>(provenance);
        // Only what the new thresholds say: an old calibration's place must not outlive its thresholds.
        p.remove(THRESHOLDS_CALIBRATED_ON);
        p.remove(NO_BOX_THRESHOLDS_CALIBRATED_ON);
        newThresholds.calibratedOn().ifPresent(where -> p.put(THRESHOLDS_CALIBRATED_ON, where));
        newThresholds.noBoxCalibratedOn().ifPresent(where -> p.put(NO_BOX_THRESHOLDS_CALIBRATED_ON, where));
        return new BundleMetadata(formatVersion, modelId, preset, preprocess, normalisation, newThresholds, p,
                metrics, softwareVersion, noBoxMembers, boxMembers, boxScore, noBoxScore);
    }

    /**
     * With no thresholds, and no record of where any were calibrated: for a bundle that reads with other
     * networks than those its thresholds were calibrated on ({@link Ensemble#join}, {@link Ensemble#split}).
     */
    public BundleMetadata withoutThresholds() {
        return withThresholds(Thresholds.NONE);
    }

    /** With metrics added or replaced (existing names not given are kept). */
    public BundleMetadata withMetrics(Map<String, Double> more) {
        Map<String, Double> m = new LinkedHashMap<>(metrics);
        m.putAll(more);
        return new BundleMetadata(formatVersion, modelId, preset, preprocess, normalisation, thresholds,
                provenance, m, softwareVersion, noBoxMembers, boxMembers, boxScore, noBoxScore);
    }

    /** With provenance entries added or replaced. */
    public BundleMetadata withProvenance(Map<String, Object> more) {
        Map<String, Object> p = new LinkedHashMap<>(provenance);
        p.putAll(more);
        return new BundleMetadata(formatVersion, modelId, preset, preprocess, normalisation, thresholds, p,
                metrics, softwareVersion, noBoxMembers, boxMembers, boxScore, noBoxScore);
    }

    /** The map as JSON will give it back (a long 2 reads as an int 2), so a reloaded bundle equals the saved one. */
    static Map<String, Object> throughJson(Map<String, Object> map) {
        try {
            return JSON.readValue(JSON.writeValueAsBytes(map), JSON_OBJECT);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("provenance must be plain JSON values: " + e.getMessage(), e);
        }
    }

    private static <V> Map<String, V> frozen(Map<String, V> map) {
        return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
