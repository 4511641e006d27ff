package dev.streetnum.model;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The per-path rule against cases worked by hand: each count 1 to the networks, and every network on one
 * path or both (the first {@code noBoxMembers} and the last {@code boxMembers} together reach them all).
 */
class ReadingPathsTest {

    @Test
    void splitsThatCoverEveryNetworkAreAccepted() {
        // 5 networks, 4 and 4: networks 1-4 read without a box, 2-5 a caller's box; 2-4 read both.
        assertDoesNotThrow(() -> ReadingPaths.check("model m", 5, 4, 4));
        // 4 + 1 = 5: networks 1-4 without a box, network 5 a caller's box alone; none on both, none idle.
        assertDoesNotThrow(() -> ReadingPaths.check("model m", 5, 4, 1));
        assertDoesNotThrow(() -> ReadingPaths.check("model m", 3, 3, 3));
        assertDoesNotThrow(() -> ReadingPaths.check("model m", 1, 1, 1));
    }

    @Test
    void aPathWithNoReaderIsRefused() {
        assertEquals("model m reads a photo sent without a box with 0 networks, but at least 1 of its 3 networks"
                + " must read there", refusal("model m", 3, 0, 3));
        assertEquals("model m reads a photo sent without a box with -2 networks, but at least 1 of its 3 networks"
                + " must read there", refusal("model m", 3, -2, 3));
        assertEquals("an ensemble reads a caller's box with 0 networks, but at least 1 of its 4 networks must read"
                + " there", refusal("an ensemble", 4, 4, 0));
    }

    @Test
    void moreReadersThanNetworksAreRefused() {
        assertEquals("model m reads a photo sent without a box with its first 4 networks, but it has 3",
                refusal("model m", 3, 4, 3));
        assertEquals("model m reads a caller's box with its last 9 networks, but it has 8",
                refusal("model m", 8, 1, 9));
        // The no-box count is judged first, so a message names one fault at a time.
        assertEquals("model m reads a photo sent without a box with its first 2 networks, but it has 1",
                refusal("model m", 1, 2, 0));
    }

    @Test
    void aNetworkThatReadsOnNeitherPathIsRefused() {
        // 4 networks: the first 2 read without a box, the last 1 (network 4) a caller's box; network 3 reads nothing.
        assertEquals("model X reads a photo sent without a box with its first 2 networks and a caller's box with its"
                + " last 1, so 1 of its 4 networks would read nothing", refusal("model X", 4, 2, 1));
        // 5 networks, 1 and 1: networks 2-4 read nothing.
        assertEquals("an ensemble reads a photo sent without a box with its first 1 network and a caller's box with"
                + " its last 1, so 3 of its 5 networks would read nothing", refusal("an ensemble", 5, 1, 1));
        // One short of covering: 5 networks, 3 and 1 leave network 4 idle.
        assertEquals("model m reads a photo sent without a box with its first 3 networks and a caller's box with its"
                + " last 1, so 1 of its 5 networks would read nothing", refusal("model m", 5, 3, 1));
    }

    @Test
    void noNetworksIsRefused() {
        assertEquals("an ensemble reads with 0 networks: it needs at least 1", refusal("an ensemble", 0, 1, 1));
    }

    @Test
    void eachNetworksPathsAreTheFirstAndTheLastCounted() {
        // The shipped layout, worked by hand: 5 networks, 4 and 4. Network 0 reads only without a box,
        // 1-3 both, 4 only a caller's box.
        ReadingPaths shipped = new ReadingPaths(5, 4, 4);
        boolean[] withoutBox = {true, true, true, true, false};
        boolean[] callersBox = {false, true, true, true, true};
        for (int m = 0; m < 5; m++) {
            assertEquals(withoutBox[m], shipped.readsWithoutBox(m), "network " + m);
            assertEquals(callersBox[m], shipped.readsCallersBox(m), "network " + m);
        }
        assertFalse(shipped.readsWithoutBox(-1) || shipped.readsCallersBox(5), "outside the networks");
        List<String> names = List.of("r38", "r20b", "r21", "r23", "r33");
        assertEquals(List.of("r38", "r20b", "r21", "r23"), shipped.withoutBoxReaders(names));
        assertEquals(List.of("r20b", "r21", "r23", "r33"), shipped.callersBoxReaders(names));
        assertEquals("; it reads only a photo sent without a box", shipped.onlyClause(0));
        assertEquals("", shipped.onlyClause(2));
        assertEquals("; it reads only a box the caller gives", shipped.onlyClause(4));
        assertThrows(IndexOutOfBoundsException.class, () -> shipped.onlyClause(5));
        assertFalse(shipped.alike());
        assertEquals("the last 4 networks read a caller's box and the first 4 a photo sent without one",
                shipped.describe());
        assertThrows(IllegalArgumentException.class, () -> shipped.callersBoxReaders(names.subList(0, 4)));

        // 4 and 1: no network on both paths.
        ReadingPaths apart = new ReadingPaths(5, 4, 1);
        assertEquals(List.of("r33"), apart.callersBoxReaders(names));
        assertEquals("; it reads only a photo sent without a box", apart.onlyClause(3));
        // A null count is every network.
        ReadingPaths firstTwo = ReadingPaths.of("model m", 3, 2, null, null, null);
        assertEquals(new ReadingPaths(3, 2, 3), firstTwo);
        assertEquals("every network reads a caller's box and the first 2 a photo sent without one",
                firstTwo.describe());
    }

    @Test
    void everyNetworkReadsBothPathsByDefault() {
        ReadingPaths three = ReadingPaths.everyNetwork(3);
        assertTrue(three.alike());
        assertEquals(new ReadingPaths(3, 3, 3), three);
        assertEquals(List.of(1, 2, 3), three.withoutBoxReaders(List.of(1, 2, 3)));
        assertEquals(List.of(1, 2, 3), three.callersBoxReaders(List.of(1, 2, 3)));
        assertEquals("", three.onlyClause(0));
        assertEquals("every network reads a caller's box and a photo sent without one", three.describe());
        assertEquals("one network reads a caller's box and a photo sent without one",
                ReadingPaths.everyNetwork(1).describe());
    }

    @Test
    void noReadingPathsBreakTheRule() {
        // The record itself refuses what check refuses, so none can exist unchecked.
        assertEquals("a reader reads a photo sent without a box with its first 2 networks and a caller's box with"
                + " its last 1, so 1 of its 4 networks would read nothing",
                assertThrows(IllegalArgumentException.class, () -> new ReadingPaths(4, 2, 1)).getMessage());
        assertEquals("model m reads a caller's box with 0 networks, but at least 1 of its 3 networks must read there",
                assertThrows(IllegalArgumentException.class, () -> ReadingPaths.of("model m", 3, null, 0, null, null)).getMessage());
    }

    @Test
    void aCallersBoxScoredByAgreementIsNamedAndKeptOffTheOtherPathsBatch() {
        ReadingPaths shipped = ReadingPaths.of("model m", 5, 4, 4, EnsembleScore.AGREEMENT, null);
        assertEquals("the last 4 networks read a caller's box and the first 4 a photo sent without one (the answer"
                + " to a caller's box scored by the networks' agreement)", shipped.describe());
        assertEquals(EnsembleScore.AGREEMENT, shipped.score(true));
        assertEquals(EnsembleScore.MEAN_HEADS, shipped.score(false));
        // Every network on both paths, but the paths score apart: two batches, not one.
        ReadingPaths both = ReadingPaths.of("model m", 3, null, null, EnsembleScore.AGREEMENT, null);
        assertFalse(both.alike());
        assertTrue(both.describe().startsWith("every network reads a caller's box and a photo sent without one (the"),
                both.describe());
        ReadingPaths noBox = ReadingPaths.of("model m", 5, 4, 4, null, EnsembleScore.AGREEMENT);
        assertEquals(EnsembleScore.AGREEMENT, noBox.score(false));
        assertTrue(noBox.describe().endsWith("(the answer to a photo sent without a box scored by the networks'"
                + " agreement)"), noBox.describe());
        ReadingPaths bothScored = ReadingPaths.of("model m", 3, null, null, EnsembleScore.AGREEMENT,
                EnsembleScore.AGREEMENT);
        assertTrue(bothScored.alike(), "every network on both paths, scored alike: one batch");
        assertEquals("every network reads a caller's box and a photo sent without one (the answers on both paths"
                + " scored by the networks' agreement)", bothScored.describe());
        // One network scores the same either way.
        assertTrue(ReadingPaths.of("model m", 1, null, null, EnsembleScore.AGREEMENT, null).alike());
        // The counts alone: the averaged heads, as every bundle before the setting.
        assertEquals(EnsembleScore.MEAN_HEADS, new ReadingPaths(3, 3, 3).boxScore());
        assertEquals(EnsembleScore.MEAN_HEADS, ReadingPaths.of("model m", 3, null, null, null, null).boxScore());
        assertThrows(IllegalArgumentException.class, () -> new ReadingPaths(3, 3, 3, null, EnsembleScore.MEAN_HEADS));
    }

    @Test
    void ensembleScoresReadBackFromTheirLabels() {
        for (EnsembleScore score : EnsembleScore.values()) {
            assertEquals(score, EnsembleScore.parse(score.label()));
        }
        assertEquals("mean-heads", EnsembleScore.MEAN_HEADS.label());
        assertEquals("unknown ensemble score 'product': one of [mean-heads, agreement]",
                assertThrows(IllegalArgumentException.class, () -> EnsembleScore.parse("product")).getMessage());
    }

    private static String refusal(String reader, int networks, int noBoxMembers, int boxMembers) {
        return assertThrows(IllegalArgumentException.class,
                () -> ReadingPaths.check(reader, networks, noBoxMembers, boxMembers)).getMessage();
    }
}
