package dev.streetnum.model;

import java.util.List;

/**
 * Which networks read which input path (issue 25, R48): the first {@code noBoxMembers} of a bundle's or an
 * ensemble's {@code networks} read a photo sent without a box, the last {@code boxMembers} a box the caller
 * gives. The one owner of that rule: a bundle's metadata ({@link ModelBundle#readingPaths}) and an ensemble
 * ({@link Ensemble#paths}) hold one, and everything that picks a path's networks or says which network reads
 * what (the transcriber, {@code model-info}, {@code ensemble}, the service's start-up log) asks it, so the
 * counting cannot drift apart between them.
 *
 * @param networks     how many networks read, at least 1
 * @param noBoxMembers how many, the first, read a photo sent without a box: 1 to {@code networks}
 * @param boxMembers   how many, the last, read a box the caller gives: 1 to {@code networks}, and with
 *                     {@code noBoxMembers} at least {@code networks} (every network reads on some path)
 * @param boxScore     how the box readers' answer to a caller's box is scored
 * @param noBoxScore   how the no-box readers' answer to a photo sent without a box is scored (the box kept is
 *                     the averaged heads' most probable reading either way)
 */
public record ReadingPaths(int networks, int noBoxMembers, int boxMembers, EnsembleScore boxScore,
                           EnsembleScore noBoxScore) {

    public ReadingPaths {
        check("a reader", networks, noBoxMembers, boxMembers);
        if (boxScore == null || noBoxScore == null) {
            throw new IllegalArgumentException("reading paths need each path's score, e.g. " + EnsembleScore.MEAN_HEADS);
        }
    }

    /** The counts, each path scored by its readers' averaged heads. */
    public ReadingPaths(int networks, int noBoxMembers, int boxMembers) {
        this(networks, noBoxMembers, boxMembers, EnsembleScore.MEAN_HEADS, EnsembleScore.MEAN_HEADS);
    }

    /** Every one of {@code networks} reads both paths. */
    public static ReadingPaths everyNetwork(int networks) {
        return of("a reader", networks, null, null, null, null);
    }

    /**
     * The paths of {@code networks} networks, a null count meaning all of them and a null score the averaged
     * heads, refused in words that name {@code reader} ({@link #check}).
     */
    static ReadingPaths of(String reader, int networks, Integer noBoxMembers, Integer boxMembers,
                           EnsembleScore boxScore, EnsembleScore noBoxScore) {
        int noBox = noBoxMembers == null ? networks : noBoxMembers;
        int box = boxMembers == null ? networks : boxMembers;
        check(reader, networks, noBox, box);
        return new ReadingPaths(networks, noBox, box, boxScore == null ? EnsembleScore.MEAN_HEADS : boxScore,
                noBoxScore == null ? EnsembleScore.MEAN_HEADS : noBoxScore);
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

    /** Whether network {@code member} (0 leads) reads a photo sent without a box. */
    public boolean readsWithoutBox(int member) {
        return inRange(member) && member < noBoxMembers;
    }

    /** Whether network {@code member} (0 leads) reads a box the caller gives. */
    public boolean readsCallersBox(int member) {
        return inRange(member) && member >= networks - boxMembers;
    }

    /** Of {@code members}, one per network in order, those that read a photo sent without a box. */
    public <T> List<T> withoutBoxReaders(List<T> members) {
        return requireOnePerNetwork(members).subList(0, noBoxMembers);
    }

    /** Of {@code members}, one per network in order, those that read a box the caller gives. */
    public <T> List<T> callersBoxReaders(List<T> members) {
        return requireOnePerNetwork(members).subList(networks - boxMembers, networks);
    }

    /** Whether every network reads on both paths and scores alike there (then one batch serves both). */
    public boolean alike() {
        return noBoxMembers == networks && boxMembers == networks
                && (networks == 1 || boxScore == noBoxScore);
    }

    /**
     * What network {@code member} leaves to the others, as a clause to append to a line about it: empty
     * when it reads both paths.
     */
    public String onlyClause(int member) {
        boolean noBox = readsWithoutBox(member);
        boolean box = readsCallersBox(member);
        if (!noBox && !box) {
            throw new IndexOutOfBoundsException("network " + member + " of " + networks);
        }
        return noBox && box ? "" : noBox ? "; it reads only a photo sent without a box"
                : "; it reads only a box the caller gives";
    }

    /**
     * Which networks read which path, in words for a log line or a command's output, e.g. "the last 4
     * networks read a caller's box and the first 4 a photo sent without one" (in each box the localizers
     * find, or whole when the bundle has none).
     */
    public String describe() {
        if (networks == 1) {
            return "one network reads a caller's box and a photo sent without one";
        }
        String scored = boxScore == EnsembleScore.AGREEMENT && noBoxScore == EnsembleScore.AGREEMENT
                ? " (the answers on both paths scored by the networks' agreement)"
                : boxScore == EnsembleScore.AGREEMENT ? " (the answer to a caller's box scored by the networks' agreement)"
                : noBoxScore == EnsembleScore.AGREEMENT
                ? " (the answer to a photo sent without a box scored by the networks' agreement)" : "";
        if (noBoxMembers == networks && boxMembers == networks) {
            return "every network reads a caller's box and a photo sent without one" + scored;
        }
        return (boxMembers == networks ? "every network reads" : "the last " + count(boxMembers) + " read")
                + " a caller's box and " + (noBoxMembers == networks ? "every one" : "the first " + noBoxMembers)
                + " a photo sent without one" + scored;
    }

    /**
     * How an answer on a path is scored: a caller's box's by {@link #boxScore}, a photo sent without one's by
     * {@link #noBoxScore}.
     */
    public EnsembleScore score(boolean callersBox) {
        return callersBox ? boxScore : noBoxScore;
    }

    private boolean inRange(int member) {
        return member >= 0 && member < networks;
    }

    private <T> List<T> requireOnePerNetwork(List<T> members) {
        if (members.size() != networks) {
            throw new IllegalArgumentException("reading paths of " + count(networks) + " asked to pick among "
                    + members.size());
        }
        return members;
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
