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
