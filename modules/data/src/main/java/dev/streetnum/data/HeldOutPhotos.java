package dev.streetnum.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Photos no run may train on, labels or none: the validation photos it is selected on and the test photos
 * its figures are read on. Recognised by content (the SHA-256 of the file's bytes), so the photo itself, a
 * link to it and a copy under another name or in another folder are all one photo. Comparing paths missed
 * every copy; hashing is cheap (the 500 validation photos and 4,029 unlabelled ones, 50 MB, in half a second).
 */
public final class HeldOutPhotos {

    private static final String VALIDATION = "a run is selected on its validation photos, so it must not train on"
            + " them, labels or none";
    private static final String TEST = "figures are read on the test photos, so no run may train on them, labels"
            + " or none";

    /** For each held-out photo's digest: which photo it is and why it is held out, for the refusal. */
    private final Map<String, String> refusalByDigest;

    private HeldOutPhotos(Map<String, String> refusalByDigest) {
        this.refusalByDigest = refusalByDigest;
    }

    /** A run's validation photos. */
    public static HeldOutPhotos validation(AnnotatedDataset val) {
        return new HeldOutPhotos(Map.of()).with(val, "validation", VALIDATION);
    }

    /** These photos and {@code test}'s, the test photos beside a run's train and val folders. */
    public HeldOutPhotos andTest(AnnotatedDataset test) {
        return with(test, "test", TEST);
    }

    private HeldOutPhotos with(AnnotatedDataset set, String kind, String why) {
        Map<String, String> refusals = new HashMap<>(refusalByDigest);
        for (AnnotatedImage image : set.images()) {
            refusals.putIfAbsent(digest(image.file()), "the " + kind + " photo " + set.nameOf(image) + ": " + why);
        }
        return new HeldOutPhotos(refusals);
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
            String refusal = refusalByDigest.get(digest(image.file()));
            if (refusal != null) {
                String name = candidates.nameOf(image);
                throw new DataException(purpose + " (" + shownAs + ") include "
                        + (folder == null ? name : folder.resolve(name).toString()) + ", " + refusal);
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
