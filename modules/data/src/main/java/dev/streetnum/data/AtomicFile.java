package dev.streetnum.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A file written whole or not at all: the content goes to a temporary file beside the target, which
 * then replaces the target in one atomic move, so a reader (or a run killed mid-write) never sees half
 * a bundle, checkpoint, cache or run.json. The one place this is done (bundles, ONNX exports,
 * checkpoints, run.json, the crop cache, batch's shipped model).
 */
public final class AtomicFile {

    /** Writes the content to the temporary file it is given; it may open, close and reopen it. */
    @FunctionalInterface
    public interface Content {
        void writeTo(Path temporary) throws IOException;
    }

    /** Linux's own bound (MAXSYMLINKS) on links followed in a row before it calls them a loop. */
    private static final int MAX_LINK_HOPS = 40;

    private AtomicFile() {
    }

    /**
     * Writes {@code target} with what {@code content} writes. A target that is a symbolic link is
     * resolved through its links first, whether or not the file at the end exists yet, so a link stays
     * a link and the file it points to gets the content (a loop of links is an {@link IOException}).
     * Missing parent folders are created. On any failure the temporary file is deleted, the old
     * target is left as it was, and the failure is rethrown as it came.
     */
    public static void write(Path target, Content content) throws IOException {
        Path real = Files.exists(target) ? target.toRealPath() : endOfLinks(target);
        Files.createDirectories(real.getParent());
        // Not Files.createTempFile: its owner-only permissions would stick to the file once moved.
        Path temporary = real.resolveSibling(real.getFileName() + "." + ProcessHandle.current().pid()
                + "-" + System.nanoTime() + ".tmp");
        boolean moved = false;
        try {
            // Created empty with default permissions; CREATE_NEW makes the name ours alone.
            Files.newOutputStream(temporary, StandardOpenOption.CREATE_NEW).close();
            content.writeTo(temporary);
            Files.move(temporary, real, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
        } finally {
            if (!moved) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // the write already failed; that is the error worth reporting
                }
            }
        }
    }

    /**
     * Where {@code path} leads when the file at the end of its links does not exist (yet): each link
     * read relative to its own folder, as the operating system reads it; a path that is no link is its
     * own end.
     */
    private static Path endOfLinks(Path path) throws IOException {
        Path end = path.toAbsolutePath();
        for (int hops = 0; Files.isSymbolicLink(end); hops++) {
            if (hops == MAX_LINK_HOPS) {
                throw new IOException(path + " is a loop of symbolic links (or more than " + MAX_LINK_HOPS
                        + " in a row)");
            }
            end = end.resolveSibling(Files.readSymbolicLink(end));
        }
        return end;
    }
}
