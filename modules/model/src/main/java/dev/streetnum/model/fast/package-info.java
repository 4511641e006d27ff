/**
 * Faster CPU execution of the same networks (issue 8). {@link dev.streetnum.model.fast.CpuAcceleration}
 * is the one switch: call it before networks are built or loaded, and DL4J's conv and pooling layers
 * run libnd4j's oneDNN kernels; the default DL4J path stays as the reference the tests compare with.
 */
package dev.streetnum.model.fast;
