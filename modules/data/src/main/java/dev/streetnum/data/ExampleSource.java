package dev.streetnum.data;

/**
 * Makes example {@code index} of stream {@code seed} as a pure function of the two, so
 * {@link SyntheticDatasetWriter} can make any subset in parallel and reproduce it: the synthetic
 * {@link StreetNumberGenerator} and the {@link RealDigitRecomposer}.
 */
public interface ExampleSource {

    StreetNumberGenerator.Example generate(long seed, long index);
}
