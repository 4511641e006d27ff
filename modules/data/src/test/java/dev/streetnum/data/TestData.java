package dev.streetnum.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Shared test fixtures (published in the data module's test-jar): tiny generated data sets, and the
 * real SVHN sample when the checkout has {@code ../shared} beside it.
 */
public final class TestData {

    private TestData() {
    }

    /** Writes {@code count} generated images with {@code labels.csv} into {@code dir} (about 100 in a second or two). */
    public static Path generatedSet(Path dir, int count, long seed) {
        new SyntheticDatasetWriter(new StreetNumberGenerator(LengthMix.SVHN), 2).write(dir, count, seed, false);
        return dir;
    }

    /** {@code ../shared/svhn-real/...} found from the working directory upwards, if present. */
    public static Optional<Path> shared(String relative) {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared").resolve(relative);
            if (Files.exists(candidate)) {
                return Optional.of(candidate);
            }
            Path sibling = p.resolveSibling("shared").resolve(relative);
            if (p.getParent() != null && Files.exists(sibling)) {
                return Optional.of(sibling);
            }
        }
        return Optional.empty();
    }
}
