package dev.streetnum.model;

/** Named network sizes (DESIGN section 4). TODO(issue 4): sizes, parameter counts and FLOPs. */
public enum Preset {
    /** A few thousand parameters, for tests. */
    TINY,
    /** Trains usefully on a 2-core CPU. */
    CPU,
    /** The speed-issue reference net: conv 32-64-128-160 (5x5, pool 2), dense 512, six heads. */
    PROBE,
    /** The paper's net: 8 conv layers 48-64-128-160-192-192-192-192, two 3072-unit dense layers. */
    PAPER
}
