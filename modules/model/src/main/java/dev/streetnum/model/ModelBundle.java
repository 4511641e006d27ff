package dev.streetnum.model;

import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * One file a user can copy: the network (DL4J's serializer) plus {@link BundleMetadata} as JSON.
 * TODO(issue 4): implement.
 */
public final class ModelBundle {

    private final ComputationGraph network;
    private final BundleMetadata metadata;

    public ModelBundle(ComputationGraph network, BundleMetadata metadata) {
        this.network = network;
        this.metadata = metadata;
    }

    public ComputationGraph network() {
        return network;
    }

    public BundleMetadata metadata() {
        return metadata;
    }

    /** Writes atomically (temporary file, then rename). */
    public void save(Path file) {
        throw new UnsupportedOperationException("issue 4");
    }

    /** Reads a bundle; a truncated file, a non-bundle or an incompatible version is a clear error. */
    public static ModelBundle load(Path file) {
        throw new UnsupportedOperationException("issue 4");
    }
}
