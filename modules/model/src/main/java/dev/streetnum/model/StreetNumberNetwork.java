package dev.streetnum.model;

import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Builds the six-head ReLU convnet of a {@link Preset}. TODO(issue 4): implement.
 */
public final class StreetNumberNetwork {

    /** Input vertex name. */
    public static final String INPUT = "image";
    /** Output layer names in head order (matches {@code SequenceLabels}). */
    public static final String[] OUTPUTS = {"length", "digit1", "digit2", "digit3", "digit4", "digit5"};

    private StreetNumberNetwork() {
    }

    /** A new, initialised network. */
    public static ComputationGraph build(Preset preset, NetworkOptions options) {
        throw new UnsupportedOperationException("issue 4");
    }
}
