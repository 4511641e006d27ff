package dev.streetnum.model;

import dev.streetnum.data.StreetnumVersion;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What travels with a localizer inside a bundle ({@code localizer.json}): how to feed it and how it was made.
 *
 * @param formatVersion   the localizer entries' format; a reader refuses another one with a message
 * @param inputSide       the whole photo is stretched to inputSide x inputSide
 * @param encoding        the output's meaning, {@link BoxEncoding#NAME}
 * @param provenance      config, seed, data identity, command line, time
 * @param metrics         e.g. mean IoU on the validation photos it was selected on
 * @param softwareVersion streetnum version that trained it
 * @param refineWindow    0 for one pass; otherwise the first box, grown about its centre by this factor, is
 *                        cut from the photo and localized again ({@link Localizer#localize}). Absent in
 *                        older bundles, which read as 0: their no-box thresholds were calibrated on one pass.
 */
public record LocalizerMetadata(int formatVersion, int inputSide, String encoding, Map<String, Object> provenance,
                                Map<String, Double> metrics, String softwareVersion, double refineWindow) {

    /** The localizer format this code writes and reads. */
    public static final int FORMAT_VERSION = 1;
    /**
     * Largest refine window: beyond it the window is little closer than the whole photo (the first box
     * of a real photo is often a third of its width), so a second pass buys nothing for its cost.
     */
    public static final double MAX_REFINE_WINDOW = 4;

    public LocalizerMetadata {
        if (inputSide < 16) {
            throw new IllegalArgumentException("a localizer's input side must be at least 16 pixels, got " + inputSide);
        }
        if (!BoxEncoding.NAME.equals(encoding)) {
            throw new IllegalArgumentException("unknown localizer box encoding '" + encoding + "' (this streetnum reads '"
                    + BoxEncoding.NAME + "')");
        }
        provenance = provenance == null ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(BundleMetadata.throughJson(provenance)));
        metrics = metrics == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        softwareVersion = softwareVersion == null ? "unknown" : softwareVersion;
        if (refineWindow != 0 && !(refineWindow > 1 && refineWindow <= MAX_REFINE_WINDOW)) {
            throw new IllegalArgumentException("a localizer's refine window is 0 (one pass) or a factor over 1 and at most "
                    + MAX_REFINE_WINDOW + " (the first box grown about its centre), got " + refineWindow);
        }
    }

    /** Metadata for a freshly trained localizer in the current format and software version. */
    public static LocalizerMetadata create(int inputSide, Map<String, Object> provenance, Map<String, Double> metrics) {
        return new LocalizerMetadata(FORMAT_VERSION, inputSide, BoxEncoding.NAME, provenance, metrics,
                StreetnumVersion.VERSION, 0);
    }

    /** The same localizer read with another refine window (0: one pass). */
    public LocalizerMetadata withRefineWindow(double window) {
        return new LocalizerMetadata(formatVersion, inputSide, encoding, provenance, metrics, softwareVersion, window);
    }
}
