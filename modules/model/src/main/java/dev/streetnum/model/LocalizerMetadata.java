package dev.streetnum.model;

import dev.streetnum.data.StreetnumVersion;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What travels with a localizer inside a bundle ({@code localizer.json}): how to feed it and how it was made.
 *
 * @param formatVersion   the localizer entries' format; a reader refuses another one with a message
 * @param inputSide       the height the whole photo is stretched to (and its width, unless inputWidth says)
 * @param encoding        the output's meaning, {@link BoxEncoding#NAME}
 * @param provenance      config, seed, data identity, command line, time
 * @param metrics         e.g. mean IoU on the validation photos it was selected on
 * @param softwareVersion streetnum version that trained it
 * @param refineWindow    0 for one pass; otherwise the first box, grown about its centre by this factor, is
 *                        cut from the photo and localized again ({@link Localizer#localize}). Absent in
 *                        older bundles, which read as 0: their no-box thresholds were calibrated on one pass.
 * @param inputWidth      the width the whole photo is stretched to. Absent in older bundles, which read as 0
 *                        and mean inputSide: a square.
 */
public record LocalizerMetadata(int formatVersion, int inputSide, String encoding, Map<String, Object> provenance,
                                Map<String, Double> metrics, String softwareVersion, double refineWindow,
                                int inputWidth) {

    /** The localizer format this code writes and reads. */
    public static final int FORMAT_VERSION = 1;
    /**
     * Largest refine window: beyond it the window is little closer than the whole photo (the first box
     * of a real photo is often a third of its width), so a second pass buys nothing for its cost.
     */
    public static final double MAX_REFINE_WINDOW = 4;

    public LocalizerMetadata {
        inputWidth = inputWidth == 0 ? inputSide : inputWidth;
        if (inputSide < 16 || inputWidth < 16) {
            throw new IllegalArgumentException("a localizer's input must be at least 16 pixels each way, got "
                    + inputWidth + "x" + inputSide);
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

    /** Metadata for a freshly trained localizer with a square input, in the current format and software version. */
    public static LocalizerMetadata create(int inputSide, Map<String, Object> provenance, Map<String, Double> metrics) {
        return create(new LocalizerInput(inputSide, inputSide), provenance, metrics);
    }

    /** Metadata for a freshly trained localizer, in the current format and software version. */
    public static LocalizerMetadata create(LocalizerInput input, Map<String, Object> provenance,
                                           Map<String, Double> metrics) {
        return new LocalizerMetadata(FORMAT_VERSION, input.height(), BoxEncoding.NAME, provenance, metrics,
                StreetnumVersion.VERSION, 0, input.width());
    }

    /** The same localizer read with another refine window (0: one pass). */
    public LocalizerMetadata withRefineWindow(double window) {
        return new LocalizerMetadata(formatVersion, inputSide, encoding, provenance, metrics, softwareVersion, window,
                inputWidth);
    }

    /** What the network reads: the photo stretched to {@link #inputWidth} x {@link #inputSide}. */
    public LocalizerInput input() {
        return new LocalizerInput(inputWidth, inputSide);
    }
}
