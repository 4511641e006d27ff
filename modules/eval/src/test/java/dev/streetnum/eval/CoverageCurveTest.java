package dev.streetnum.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CoverageCurveTest {

    private static final double R = CoverageCurve.REFUSED;

    /** Sorted: 0.9 T | 0.8 T, 0.8 F | 0.7 T | 0.6 F; correct among the top 1, 3, 4, 5: 1, 2, 3, 3. */
    private static final CoverageCurve TIES = new CoverageCurve(
            new double[] {0.8, 0.6, 0.9, 0.7, 0.8},
            new boolean[] {false, false, true, true, true});

    @Test
    void tiesAtTheThresholdGoInOrOutTogether() {
        // The top 2 (0.9 T, 0.8 T) would be 100% correct, but the other 0.8 cannot be split off them.
        OperatingPoint perfect = TIES.atAccuracy(1.0);
        assertEquals(1, perfect.accepted());
        assertEquals(0.2, perfect.coverage(), 1e-12);
        assertEquals(0.9, perfect.threshold());

        OperatingPoint threeQuarters = TIES.atAccuracy(0.75); // top 4: 3/4 exactly
        assertEquals(4, threeQuarters.accepted());
        assertEquals(0.7, threeQuarters.threshold());
        assertEquals(0.75, threeQuarters.accuracy(), 1e-12);

        assertEquals(4, TIES.atAccuracy(0.67).accepted()); // top 5 is 3/5 < 0.67; top 4 is 0.75
        OperatingPoint all = TIES.atAccuracy(0.6);
        assertEquals(5, all.accepted());
        assertEquals(1.0, all.coverage(), 1e-12);
        assertEquals(0.6, all.threshold());
    }

    @Test
    void theLargestQualifyingPrefixWinsEvenAfterADip() {
        // Sorted: T F T T T -> prefix accuracies 1, 1/2, 2/3, 3/4, 4/5; at 0.8 only k=1 and k=5 qualify.
        CoverageCurve curve = new CoverageCurve(new double[] {0.9, 0.8, 0.7, 0.6, 0.5},
                new boolean[] {true, false, true, true, true});
        assertEquals(5, curve.atAccuracy(0.8).accepted());
        assertEquals(1, curve.atAccuracy(0.81).accepted());
    }

    @Test
    void thresholdFromAnotherSetAcceptsEverythingAtOrAboveIt() {
        assertEquals(3, TIES.atThreshold(0.8).accepted());
        assertEquals(2, TIES.atThreshold(0.8).correctAccepted());
        assertEquals(1, TIES.atThreshold(0.85).accepted());
        assertEquals(5, TIES.atThreshold(0.0).accepted());
        OperatingPoint none = TIES.atThreshold(0.95);
        assertEquals(0, none.accepted());
        assertEquals(0.0, none.coverage());
        assertTrue(Double.isNaN(none.accuracy()), "accuracy of nothing accepted is undefined");
        assertEquals(0, TIES.atThreshold(Double.POSITIVE_INFINITY).accepted());
    }

    @Test
    void allCorrectCoversEverythingAtTheLowestConfidence() {
        CoverageCurve curve = new CoverageCurve(new double[] {0.5, 0.4, 0.3}, new boolean[] {true, true, true});
        OperatingPoint p = curve.atAccuracy(0.99);
        assertEquals(1.0, p.coverage(), 1e-12);
        assertEquals(0.3, p.threshold());
        assertEquals(1.0, curve.accuracy(), 1e-12);
    }

    @Test
    void noneCorrectCoversNothingAndAcceptsNothing() {
        CoverageCurve curve = new CoverageCurve(new double[] {0.5, 0.4, 0.3}, new boolean[] {false, false, false});
        OperatingPoint p = curve.atAccuracy(0.5);
        assertEquals(0, p.accepted());
        assertEquals(0.0, p.coverage());
        assertFalse(p.acceptsAnything());
        assertEquals(0.0, curve.accuracy());
    }

    @Test
    void emptySetHasNoCoverageAndUndefinedAccuracy() {
        CoverageCurve curve = new CoverageCurve(new double[0], new boolean[0]);
        OperatingPoint p = curve.atAccuracy(0.98);
        assertEquals(0, p.total());
        assertEquals(0.0, p.coverage());
        assertFalse(p.acceptsAnything());
        assertTrue(Double.isNaN(curve.accuracy()));
        assertTrue(curve.points().isEmpty());
        assertEquals(0, curve.atThreshold(0.5).accepted());
    }

    @Test
    void refusalsCountInTheDenominatorButAreNeverAccepted() {
        CoverageCurve curve = new CoverageCurve(new double[] {0.9, R, 0.8, R},
                new boolean[] {true, false, true, false});
        OperatingPoint p = curve.atAccuracy(0.5);
        assertEquals(2, p.accepted(), "no threshold reaches a refusal, however low the target");
        assertEquals(0.5, p.coverage(), 1e-12);
        assertEquals(0.8, p.threshold());
        assertEquals(2, curve.atThreshold(Double.MIN_VALUE).accepted());
        assertEquals(2, curve.points().size());

        CoverageCurve onlyRefused = new CoverageCurve(new double[] {R, R}, new boolean[] {false, false});
        assertEquals(0, onlyRefused.atAccuracy(0.01).accepted());
        assertThrows(IllegalArgumentException.class, () -> curve.atThreshold(R));
    }

    @Test
    void pointsRunFromStrictestToLoosestOnTieBoundaries() {
        List<OperatingPoint> points = TIES.points();
        assertEquals(List.of(1, 3, 4, 5), points.stream().map(OperatingPoint::accepted).toList());
        assertEquals(List.of(1, 2, 3, 3), points.stream().map(OperatingPoint::correctAccepted).toList());
    }

    @Test
    void badInputIsRefusedWithASentence() {
        assertThrows(IllegalArgumentException.class,
                () -> new CoverageCurve(new double[] {0.5}, new boolean[] {true, false}));
        assertThrows(IllegalArgumentException.class,
                () -> new CoverageCurve(new double[] {Double.NaN}, new boolean[] {true}));
        assertThrows(IllegalArgumentException.class, () -> TIES.atAccuracy(0));
        assertThrows(IllegalArgumentException.class, () -> TIES.atAccuracy(1.5));
    }

    @Test
    void riskCoverageAreaAveragesTheRiskAThresholdGivesAtEachPrediction() {
        // By hand: risks at the tie-group ends 1, 3, 4, 5 are 0, 1/3, 1/4, 2/5; the group of 3 has two members.
        assertEquals((0 + 2 * (1 / 3.0) + 1 / 4.0 + 2 / 5.0) / 5, TIES.riskCoverageArea(), 1e-12);
        // Refusals come last and score the whole set's error rate: (0 + 0 + 2 * (1 - 2/4)) / 4.
        CoverageCurve withRefusals = new CoverageCurve(new double[] {0.9, R, 0.8, R},
                new boolean[] {true, false, true, false});
        assertEquals(0.25, withRefusals.riskCoverageArea(), 1e-12);
        assertEquals(0, new CoverageCurve(new double[] {0.3, 0.2}, new boolean[] {true, true}).riskCoverageArea());
        assertEquals(1, new CoverageCurve(new double[] {0.3, R}, new boolean[] {false, false}).riskCoverageArea());
        assertTrue(Double.isNaN(new CoverageCurve(new double[0], new boolean[0]).riskCoverageArea()));
    }

    @Test
    void theAreaUpToACoverageAveragesTheSameRisksOverTheMostConfidentAlone() {
        // TIES' risks in confidence order: 0 | 1/3, 1/3 | 1/4 | 2/5.
        assertEquals(0, TIES.riskCoverageArea(0.2), 1e-12);                        // the top 1
        assertEquals((0 + 1 / 3.0) / 2, TIES.riskCoverageArea(0.4), 1e-12);        // the top 2 cut the tie
        assertEquals((0 + 2 / 3.0 + 1 / 4.0) / 4, TIES.riskCoverageArea(0.8), 1e-12);
        assertEquals(TIES.riskCoverageArea(), TIES.riskCoverageArea(1), 0);
        assertEquals(0, TIES.riskCoverageArea(0.01), 1e-12);                      // at least one prediction
        // Refusals enter only when the coverage reaches them, at the whole set's error rate (1/2 here).
        CoverageCurve withRefusals = new CoverageCurve(new double[] {0.9, R, 0.8, R},
                new boolean[] {true, false, true, false});
        assertEquals(0, withRefusals.riskCoverageArea(0.5), 1e-12);
        assertEquals(0.5 / 3, withRefusals.riskCoverageArea(0.75), 1e-12);
        // A wrong answer below the cut moves the whole area, not this one.
        CoverageCurve lateError = new CoverageCurve(new double[] {0.9, 0.8, 0.7, 0.1},
                new boolean[] {true, true, true, false});
        assertEquals(0, lateError.riskCoverageArea(0.75), 0);
        assertEquals(0.25 / 4, lateError.riskCoverageArea(), 1e-12);
        assertTrue(Double.isNaN(new CoverageCurve(new double[0], new boolean[0]).riskCoverageArea(0.5)));
        for (double bad : new double[] {0, -0.1, 1.01, Double.NaN}) {
            assertThrows(IllegalArgumentException.class, () -> TIES.riskCoverageArea(bad), "coverage " + bad);
        }
    }

    @Test
    void aBetterRankingHasTheSmallerArea() {
        boolean[] correct = {true, true, false, false};
        double rightFirst = new CoverageCurve(new double[] {0.9, 0.8, 0.2, 0.1}, correct).riskCoverageArea();
        double wrongFirst = new CoverageCurve(new double[] {0.1, 0.2, 0.8, 0.9}, correct).riskCoverageArea();
        assertEquals((0 + 0 + 1 / 3.0 + 1 / 2.0) / 4, rightFirst, 1e-12);
        assertEquals((1 + 1 + 2 / 3.0 + 1 / 2.0) / 4, wrongFirst, 1e-12);
    }

    /** Every possible threshold tried, no sorting: the coverage and threshold must agree exactly. */
    @Test
    void agreesWithABruteForceSearchOverAllThresholds() {
        Random random = new Random(20131220);
        double[] targets = {0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 1.0};
        for (int trial = 0; trial < 300; trial++) {
            int n = random.nextInt(40);
            double[] confidence = new double[n];
            boolean[] correct = new boolean[n];
            for (int i = 0; i < n; i++) {
                // Few distinct values so ties are common; correctness more likely when confident.
                double c = random.nextInt(12) / 11.0;
                boolean refused = random.nextInt(10) == 0;
                confidence[i] = refused ? R : c;
                correct[i] = !refused && random.nextDouble() < 0.3 + 0.7 * c;
            }
            CoverageCurve curve = new CoverageCurve(confidence, correct);
            if (n > 0) {
                assertEquals(BruteForceCoverage.riskCoverageArea(confidence, correct), curve.riskCoverageArea(), 1e-12,
                        "trial " + trial);
                for (double upTo : new double[] {0.05, 0.3, 0.5, 0.62, 0.75, 0.9}) {
                    assertEquals(BruteForceCoverage.riskCoverageArea(confidence, correct, upTo),
                            curve.riskCoverageArea(upTo), 1e-12, "trial " + trial + ", up to " + upTo);
                }
            }
            for (double target : targets) {
                double[] best = BruteForceCoverage.best(confidence, correct, target);
                OperatingPoint p = curve.atAccuracy(target);
                String where = "trial " + trial + ", target " + target;
                assertEquals((int) best[0], p.accepted(), where);
                assertEquals(best[1], p.threshold(), where);
            }
            for (double c : confidence) {
                if (c != R) {
                    int[] counts = BruteForceCoverage.acceptedAt(confidence, correct, c);
                    OperatingPoint p = curve.atThreshold(c);
                    assertEquals(counts[0], p.accepted());
                    assertEquals(counts[1], p.correctAccepted());
                }
            }
        }
    }
}
