package dev.streetnum.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {

    private static final byte[] OLD = "old".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NEW = "new".getBytes(StandardCharsets.UTF_8);

    @Test
    void theTargetHoldsWhatTheContentWroteAndNothingElseIsLeft(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("a.bin");
        Files.write(file, OLD);

        AtomicFile.write(file, tmp -> Files.write(tmp, NEW));

        assertArrayEquals(NEW, Files.readAllBytes(file));
        assertEquals(List.of(file), files(dir));
    }

    @Test
    void aSymbolicLinkStaysALinkAndItsTargetGetsTheContent(@TempDir Path dir) throws IOException {
        Path real = Files.createDirectories(dir.resolve("store")).resolve("real.bin");
        Files.write(real, OLD);
        Path link = Files.createSymbolicLink(dir.resolve("link.bin"), real);

        AtomicFile.write(link, tmp -> Files.write(tmp, NEW));

        assertTrue(Files.isSymbolicLink(link), "the link is still a link");
        assertEquals(real, Files.readSymbolicLink(link));
        assertArrayEquals(NEW, Files.readAllBytes(real));
        assertEquals(List.of(real), files(real.getParent()), "the temporary file was beside the real file and is gone");
    }

    @Test
    void aDanglingLinkStaysALinkAndTheFileItNamesIsCreated(@TempDir Path dir) throws IOException {
        Path models = Files.createDirectories(dir.resolve("models"));
        Path current = Files.createSymbolicLink(models.resolve("current.bundle"), Path.of("v2.bundle"));
        Path v2 = models.resolve("v2.bundle");

        AtomicFile.write(current, tmp -> Files.write(tmp, NEW));

        assertTrue(Files.isSymbolicLink(current), "the link is still a link");
        assertEquals(Path.of("v2.bundle"), Files.readSymbolicLink(current));
        assertArrayEquals(NEW, Files.readAllBytes(v2));
        assertEquals(List.of(v2), files(models), "the temporary file is gone");
    }

    @Test
    void aChainOfLinksEndingNowhereIsFollowedToItsEnd(@TempDir Path dir) throws IOException {
        Path store = Files.createDirectories(dir.resolve("store"));
        Path last = Files.createSymbolicLink(store.resolve("last.bin"), Path.of("../data/real.bin"));
        Path first = Files.createSymbolicLink(dir.resolve("first.bin"), last);

        AtomicFile.write(first, tmp -> Files.write(tmp, NEW));

        assertTrue(Files.isSymbolicLink(first) && Files.isSymbolicLink(last), "both links are still links");
        assertArrayEquals(NEW, Files.readAllBytes(dir.resolve("data/real.bin")),
                "the relative link is read from its own folder, and the missing folder is created");
    }

    @Test
    void aLoopOfLinksIsAnErrorNamingThePath(@TempDir Path dir) throws IOException {
        Path a = dir.resolve("a.bin");
        Path b = dir.resolve("b.bin");
        Files.createSymbolicLink(a, b.getFileName());
        Files.createSymbolicLink(b, a.getFileName());

        IOException thrown = assertThrows(IOException.class, () -> AtomicFile.write(a, tmp -> Files.write(tmp, NEW)));

        assertTrue(thrown.getMessage().contains(a.toString()), thrown.getMessage());
        assertTrue(Files.isSymbolicLink(a) && Files.isSymbolicLink(b), "neither link was replaced");
        assertEquals(List.of(), files(dir), "no temporary file is left");
    }

    @Test
    void aFailingWriteLeavesTheOldFileAndNoTemporaryFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("a.bin");
        Files.write(file, OLD);
        IOException failure = new IOException("disk full");

        IOException thrown = assertThrows(IOException.class, () -> AtomicFile.write(file, tmp -> {
            Files.write(tmp, NEW);
            throw failure;
        }));
        IllegalStateException unchecked = new IllegalStateException("decoder failed");
        IllegalStateException thrownUnchecked = assertThrows(IllegalStateException.class,
                () -> AtomicFile.write(file, tmp -> {
                    throw unchecked;
                }));

        assertSame(failure, thrown, "rethrown as it came");
        assertSame(unchecked, thrownUnchecked);
        assertArrayEquals(OLD, Files.readAllBytes(file));
        assertEquals(List.of(file), files(dir));
    }

    @Test
    void aNewFileInAMissingFolderIsCreatedWithDefaultPermissions(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("runs/r1/run.json");
        Path plain = Files.write(dir.resolve("plain.json"), NEW);

        AtomicFile.write(file, tmp -> Files.write(tmp, NEW));

        assertArrayEquals(NEW, Files.readAllBytes(file));
        assertEquals(List.of(file), files(file.getParent()));
        if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
            assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(file),
                    "the permissions a plain write gives, not createTempFile's owner-only ones");
        }
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> !Files.isSymbolicLink(p)).sorted().toList();
        }
    }
}
