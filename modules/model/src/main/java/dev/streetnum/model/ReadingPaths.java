package dev.streetnum.model;

/**
 * Which networks read which input path (issue 25, R48): the first {@code noBoxMembers} read a photo sent
 * without a box, the last {@code boxMembers} a box the caller gives. The one place the rule is checked, for
 * a bundle's metadata ({@link ModelBundle}) and an ensemble assembled by hand ({@link Ensemble}) alike, so
 * the two cannot drift apart and both refuse in the same words.
 */
final class ReadingPaths {

    private ReadingPaths() {
    }

    /**
     * Refuses counts that leave a path with no reader or a network with nothing to read: each count is 1 to
     * {@code networks}, and together they cover every network (one on neither path would be loaded and
     * carried for nothing, so such counts are a mistake, not a choice).
     *
     * @param reader       what the message names as reading, e.g. "model x" or "an ensemble"
     * @param networks     how many networks it reads with, at least 1
     * @param noBoxMembers how many, the first, read a photo sent without a box
     * @param boxMembers   how many, the last, read a box the caller gives
     * @throws IllegalArgumentException a sentence naming the reader and the numbers
     */
    static void check(String reader, int networks, int noBoxMembers, int boxMembers) {
        if (networks < 1) {
            throw new IllegalArgumentException(reader + " reads with " + networks + " networks: it needs at least 1");
        }
        requireWithin(reader, networks, noBoxMembers, "a photo sent without a box", "first");
        requireWithin(reader, networks, boxMembers, "a caller's box", "last");
        // Both counts are at most networks here, so the sum cannot overflow.
        if (noBoxMembers + boxMembers < networks) {
            throw new IllegalArgumentException(reader + " reads a photo sent without a box with its first "
                    + count(noBoxMembers) + " and a caller's box with its last " + boxMembers + ", so "
                    + (networks - noBoxMembers - boxMembers) + " of its " + count(networks) + " would read nothing");
        }
    }

    private static void requireWithin(String reader, int networks, int members, String path, String end) {
        if (members < 1) {
            throw new IllegalArgumentException(reader + " reads " + path + " with " + count(members)
                    + ", but at least 1 of its " + count(networks) + " must read there");
        }
        if (members > networks) {
            throw new IllegalArgumentException(reader + " reads " + path + " with its " + end + " "
                    + count(members) + ", but it has " + networks);
        }
    }

    private static String count(int networks) {
        return networks + (networks == 1 ? " network" : " networks");
    }
}
