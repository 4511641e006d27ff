package dev.streetnum.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

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

    /** For each held-out photo's digest: which photo it is, named where the user can find it, and why. */
    private final Map<String, String> refusalByDigest;

    private HeldOutPhotos(Map<String, String> refusalByDigest) {
        this.refusalByDigest = refusalByDigest;
    }

    /**
     * A run's validation photos.
     *
     * @param shownAs their folder (or labels file) as the user gave it, to name them by
     */
    public static HeldOutPhotos validation(AnnotatedDataset val, Path shownAs) {
        Map<String, String> refusals = new HashMap<>();
        Path folder = folderOf(shownAs);
        for (AnnotatedImage image : val.images()) {
            refusals.putIfAbsent(digest(image.file()), refusal("validation", folder, val.nameOf(image), VALIDATION));
        }
        return new HeldOutPhotos(refusals);
    }

    /**
     * These photos and every image file below {@code folder}, the test photos beside a run's train and val
     * folders: their files, not a labels file, since a run only needs to know them (a folder that is not there
     * adds nothing).
     */
    public HeldOutPhotos andTestFolder(Path folder) {
        if (!Files.isDirectory(folder)) {
            return this;
        }
        Map<String, String> refusals = new HashMap<>(refusalByDigest);
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(ImageDecoder::isImageFile).sorted().toList()) {
                refusals.putIfAbsent(digest(file), refusal("test", folder, folder.relativize(file).toString(), TEST));
            }
        } catch (IOException e) {
            throw new DataException("cannot list the test photos in " + folder + ": " + e.getMessage(), e);
        }
        return new HeldOutPhotos(refusals);
    }

    /**
     * Refuses {@code candidates} when any is a held-out photo, naming the first and counting them all.
     *
     * @param shownAs the candidates' folder (or labels file) as the user gave it: each photo is named under it
     * @param purpose what the candidates are for, e.g. "the consistency photos"
     */
    public void requireNoneIn(AnnotatedDataset candidates, Path shownAs, String purpose) {
        Path folder = folderOf(shownAs);
        List<AnnotatedImage> heldOut = candidates.images().stream()
                .filter(image -> refusalByDigest.containsKey(digest(image.file()))).toList();
        if (!heldOut.isEmpty()) {
            String name = candidates.nameOf(heldOut.get(0));
            String first = (folder == null ? name : folder.resolve(name).toString()) + ", "
                    + refusalByDigest.get(digest(heldOut.get(0).file()));
            throw new DataException(purpose + " (" + shownAs + ") include " + (heldOut.size() == 1 ? first
                    : Noun.regular("held-out photo").count(heldOut.size()) + ", the first " + first));
        }
    }

    private static String refusal(String kind, Path folder, String name, String why) {
        return "the " + kind + " photo " + (folder == null ? name : folder.resolve(name).toString()) + ": " + why;
    }

    /** The folder a data argument names: itself, or the folder of the labels file it names. */
    private static Path folderOf(Path shownAs) {
        return Files.isDirectory(shownAs) ? shownAs : shownAs.getParent();
    }

    private static String digest(Path photo) {
        try {
            return Sha256.hex(Files.readAllBytes(photo));
        } catch (IOException e) {
            throw new DataException("cannot read " + photo + ": " + e.getMessage(), e);
        }
    }
}
