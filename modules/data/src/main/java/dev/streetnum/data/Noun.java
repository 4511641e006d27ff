package dev.streetnum.data;

/**
 * A countable noun, so that a printed count agrees with it: "1 number", "2 numbers". Summaries count
 * whatever a set holds, and a set may hold one.
 */
public record Noun(String singular, String plural) {

    /** A noun whose plural adds an s: "cut", "cuts". */
    public static Noun regular(String singular) {
        return new Noun(singular, singular + "s");
    }

    /** "1 number", "0 numbers", "2 numbers". */
    public String count(long n) {
        return n + " " + (n == 1 ? singular : plural);
    }
}
