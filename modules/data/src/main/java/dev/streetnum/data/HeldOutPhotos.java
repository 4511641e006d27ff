package dev.streetnum.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Photos a run is selected on, and so must not train on, labels or none: recognised by content (the
 * SHA-256 of the file's bytes), so the photo itself, a link to it and a copy under another name or in
 * another folder are all one photo. Comparing paths missed every copy; hashing is cheap (the 500
 * validation photos and 4,029 unlabelled ones, 50 MB, in half a second).
 */
public final class HeldOutPhotos {

    private final String kind;
    private final Map<String, String> nameByDigest;

    private HeldOutPhotos(String kind, Map<String, String> nameByDigest) {
        this.kind = kind;
        this.nameByDigest = nameByDigest;
    }

    /** The photos of {@code set}, each named for messages as the set names it, e.g. "validation". */
    public static HeldOutPhotos of(AnnotatedDataset set, String kind) {
        Map<String, String> nameByDigest = new HashMap<>();
        for (AnnotatedImage image : set.images()) {
            nameByDigest.putIfAbsent(digest(image.file()), set.nameOf(image));
        }
        return new HeldOutPhotos(kind, nameByDigest);
    }

    /** The held-out photo whose bytes {@code photo} has, as its set names it; empty when none has them. */
    private Optional<String> copied(Path photo) {
        return Optional.ofNullable(nameByDigest.get(digest(photo)));
    }

    /**
     * Refuses every photo of {@code candidates} that is a held-out one.
     *
     * @param shownAs the candidates' folder (or labels file) as the user gave it: each photo is named under it
     * @param purpose what the candidates are for, e.g. "the consistency photos"
     */
    public void requireNoneIn(AnnotatedDataset candidates, Path shownAs, String purpose) {
        Path folder = Files.isDirectory(shownAs) ? shownAs : shownAs.getParent();
        for (AnnotatedImage image : candidates.images()) {
            String name = candidates.nameOf(image);
            Optional<String> heldOut = copied(image.file());
            if (heldOut.isPresent()) {
                throw new DataException(purpose + " (" + shownAs + ") include " + (folder == null ? name
                        : folder.resolve(name).toString()) + ", the " + kind + " photo " + heldOut.get()
                        + ": a run is selected on its " + kind + " photos, so it must not train on them, labels or none");
            }
        }
    }

    private static String digest(Path photo) {
        try {
            return Sha256.hex(Files.readAllBytes(photo));
        } catch (IOException e) {
            throw new DataException("cannot read " + photo + ": " + e.getMessage(), e);
        }
    }
}
