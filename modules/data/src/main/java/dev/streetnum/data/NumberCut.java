package dev.streetnum.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A number cut short, as a localizer's box that misses digits at one end cuts it (DESIGN section 3):
 * the digits left after {@code dropped} are taken from its start or its end. Training shows such crops
 * with the whole label ({@link Augmentation#partialNumber}); {@code streetnum cut-numbers} writes every
 * cut of a set's numbers, to count how many a model answers although each is wrong by construction.
 *
 * @param fromStart whether the digits are dropped from the start (else from the end)
 * @param dropped   how many, at least 1
 */
public record NumberCut(boolean fromStart, int dropped) {

    /** Between a photo's stem and a cut's {@link #tag} in the cut's file name. */
    private static final String CUT = ".cut-";
    private static final java.util.regex.Pattern CUT_NAME =
            java.util.regex.Pattern.compile("(.*)" + java.util.regex.Pattern.quote(CUT)
                    + "(?:first|last)-[1-9][0-9]*(\\.[^.]*)?");

    public NumberCut {
        if (dropped < 1) {
            throw new IllegalArgumentException("a cut drops at least one digit, got " + dropped);
        }
    }

    /**
     * Whether an image's number can be cut by digit: two or more digits, and rows that hold boxes of their
     * own (a set that repeats the number's box on every row, as localized boxes and pseudo-labels do, cannot).
     */
    public static boolean cuttable(AnnotatedImage image) {
        Box first = image.digits().get(0).box();
        return image.length() >= 2 && image.digits().stream().anyMatch(d -> !d.box().equals(first));
    }

    /** Every cut of an n-digit number: 1 to n-1 digits dropped from the start, then from the end. */
    public static List<NumberCut> all(int n) {
        List<NumberCut> cuts = new ArrayList<>(2 * Math.max(0, n - 1));
        for (boolean fromStart : new boolean[] {true, false}) {
            for (int dropped = 1; dropped < n; dropped++) {
                cuts.add(new NumberCut(fromStart, dropped));
            }
        }
        return cuts;
    }

    /** The union of the boxes of the digits left. */
    public Box region(AnnotatedImage image) {
        int n = image.length();
        if (dropped >= n) {
            throw new IllegalArgumentException("a " + n + "-digit number cannot lose " + dropped + " digits");
        }
        int from = fromStart ? dropped : 0;
        int to = fromStart ? n : n - dropped;
        Box part = image.digits().get(from).box();
        for (int i = from + 1; i < to; i++) {
            part = part.union(image.digits().get(i).box());
        }
        return part;
    }

    /**
     * The image as a set row whose region is this cut and whose label is still the whole number: every
     * digit row carries the cut's region as its box (the region a reader expands is the union of the rows').
     */
    public AnnotatedImage applyTo(AnnotatedImage image, Path file) {
        Box region = region(image);
        return new AnnotatedImage(file, image.digits().stream().map(d -> new DigitBox(d.label(), region)).toList());
    }

    /** "first-2": two digits dropped from the start; "last-1": one from the end. */
    public String tag() {
        return (fromStart ? "first-" : "last-") + dropped;
    }

    /** The file name of this cut of a photo: "train_7.png" cut "first-1" is "train_7.cut-first-1.png". */
    public String fileName(String photo) {
        int dot = photo.lastIndexOf('.');
        return dot < 0 ? photo + CUT + tag() : photo.substring(0, dot) + CUT + tag() + photo.substring(dot);
    }

    /**
     * The photo a cut's file was made from, as {@link #fileName} names it ("train_7.png" for
     * "train_7.cut-first-1.png"): every cut of one number shares it. Empty for a name that names no cut.
     */
    public static java.util.Optional<String> photoOf(String cutFile) {
        java.util.regex.Matcher m = CUT_NAME.matcher(cutFile);
        return m.matches() ? java.util.Optional.of(m.group(1) + (m.group(2) == null ? "" : m.group(2)))
                : java.util.Optional.empty();
    }
}
