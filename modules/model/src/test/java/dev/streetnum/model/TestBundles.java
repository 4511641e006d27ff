package dev.streetnum.model;

import dev.streetnum.data.PreprocessConfig;
import java.nio.file.Path;
import java.util.Map;

/**
 * Shared fixture for the modules above this one (published in the test-jar): an untrained TINY
 * bundle, deterministic per seed, loads and predicts in milliseconds.
 */
public final class TestBundles {

    private TestBundles() {
    }

    /** An untrained TINY bundle; the same seed gives the same weights. */
    public static ModelBundle tiny(long seed) {
        NetworkOptions options = NetworkOptions.seeded(seed);
        return new ModelBundle(StreetNumberNetwork.build(Preset.TINY, options),
                BundleMetadata.create("tiny-test-" + seed, Preset.TINY, PreprocessConfig.DEFAULT,
                        Map.of("source", "TestBundles.tiny", "seed", seed)));
    }

    /** An untrained localizer of 32x32 input; the same seed gives the same weights (and boxes). */
    public static Localizer untrainedLocalizer(long seed) {
        return new Localizer(LocalizerNetwork.build(32, seed, 1e-3), LocalizerMetadata.create(32, Map.of(), Map.of()));
    }

    /** Writes {@link #tiny(long) tiny(1)} to {@code dir/tiny.bundle} and returns that path. */
    public static Path tinyBundleFile(Path dir) {
        Path file = dir.resolve("tiny" + ModelBundle.EXTENSION);
        tiny(1).save(file);
        return file;
    }
}
