package dev.streetnum.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streetnum.data.PreprocessConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The operating points: keys compared as numbers, one lookup, one merge, one acceptance rule. */
class ThresholdsTest {

    private static BundleMetadata with(Thresholds thresholds, Map<String, Object> provenance) {
        return new BundleMetadata(1, "m", "tiny", PreprocessConfig.DEFAULT, BundleMetadata.PER_IMAGE_MEAN,
                thresholds, provenance, Map.of(), "test", null, null, null, null);
    }

    @Test
    void keysAreTheShortestDecimal() {
        assertEquals("0.98", TargetAccuracy.keyOf(0.98));
        assertEquals("0.985", TargetAccuracy.keyOf(0.985));
        assertEquals("1", TargetAccuracy.keyOf(1.0));
        assertEquals("0.98", TargetAccuracy.PAPER.key());
    }

    @Test
    void targetsThatDifferOnlyInTheirTextAreOne() {
        assertEquals(TargetAccuracy.PAPER, TargetAccuracy.parse("0.980"));
        assertEquals(TargetAccuracy.PAPER, TargetAccuracy.parse("0.98000000001"));
        assertFalse(TargetAccuracy.PAPER.equals(TargetAccuracy.parse("0.981")));
        assertEquals(0.98, TargetAccuracy.parse(" 0.980 ").value(), 0);
    }

    @Test
    void aTargetOutsideZeroToOneIsRefusedWithTheValue() {
        for (double bad : new double[] {0, -0.5, 1.0000001, Double.NaN, 1e-12}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TargetAccuracy(bad));
            assertTrue(e.getMessage().contains("(0, 1]") && e.getMessage().contains(Double.toString(bad)), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TargetAccuracy.parse("notes"));
        assertTrue(e.getMessage().contains("'notes'"), e.getMessage());
    }

    @Test
    void aThresholdIsFoundByItsAccuracyWhateverTheKeysText() {
        Thresholds t = Thresholds.fromKeys(Map.of("0.980", 0.7, "0.95", 0.4));
        assertEquals(0.7, t.at(TargetAccuracy.PAPER).getAsDouble());
        assertEquals(0.4, t.at(new TargetAccuracy(0.95)).getAsDouble());
        assertTrue(t.at(new TargetAccuracy(0.99)).isEmpty());
        assertEquals(0.7, t.require(new TargetAccuracy(0.98), "m"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> t.require(new TargetAccuracy(0.99), "m"));
        assertTrue(e.getMessage().contains("model m has no threshold calibrated for 0.99 accuracy")
                && e.getMessage().contains("{0.95=0.4, 0.98=0.7}"), e.getMessage());
    }

    @Test
    void storedEntriesThatAreNotOperatingPointsAreRefusedByName() {
        Map<String, Double> twice = new LinkedHashMap<>();
        twice.put("0.98", 0.7);
        twice.put("0.980", 0.8);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Thresholds.fromKeys(twice))
                .getMessage().contains("twice"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Thresholds.fromKeys(Map.of("0.98", 1.5)))
                .getMessage().contains("1.5 for accuracy 0.98"));
        assertThrows(IllegalArgumentException.class, () -> Thresholds.NONE.with(TargetAccuracy.PAPER, -0.1));
    }

    @Test
    void writingReplacesTheSameAccuracyUnderOneKey() {
        Thresholds t = Thresholds.fromKeys(Map.of("0.980", 0.7)).with(TargetAccuracy.parse("0.98"), 0.8)
                .with(new TargetAccuracy(0.99), 0.9);
        assertEquals(Map.of("0.98", 0.8, "0.99", 0.9), t.byKey());
    }

    @Test
    void aMergeMatchesKeysAsNumbersKeepsWhatTheNewerLacksAndTakesItsProvenance() {
        Thresholds older = Thresholds.fromKeys(Map.of("0.980", 0.7, "0.95", 0.4), "old-val");
        Thresholds newer = Thresholds.fromKeys(Map.of("0.98", 0.8, "0.99", 0.9), "new-val");
        Thresholds merged = older.updatedWith(newer);
        assertEquals(Map.of("0.95", 0.4, "0.98", 0.8, "0.99", 0.9), merged.byKey());
        assertEquals("new-val", merged.calibratedOn().orElseThrow());
        assertEquals("old-val", older.updatedWith(Thresholds.fromKeys(Map.of("0.98", 0.8))).calibratedOn().orElseThrow());
    }

    @Test
    void theRuleAcceptsExactlyTheTranscribableAnswersAtOrAboveTheThreshold() {
        Random random = new Random(3);
        for (int i = 0; i < 1000; i++) {
            boolean transcribable = random.nextBoolean();
            double confidence = random.nextInt(11) / 10.0; // ties with the threshold happen
            double t = random.nextInt(11) / 10.0;
            boolean expected = transcribable && !(confidence < t); // DESIGN section 7, written independently
            assertEquals(expected, Thresholds.accepts(transcribable, confidence, t), transcribable + " " + confidence
                    + " at " + t);
        }
        assertFalse(Thresholds.accepts(false, 1.0, 0.0), "'>5' is refused even at threshold 0");
        assertEquals(Thresholds.REFUSED, Thresholds.score(false, 0.9));
        assertEquals(0.9, Thresholds.score(true, 0.9));
    }

    @Test
    void metadataStoresThemAsTheSameJsonAsBeforeWithTheProvenanceBeside() throws Exception {
        BundleMetadata m = with(Thresholds.NONE, Map.of())
                .withThresholds(Thresholds.fromKeys(Map.of("0.98", 0.73), "data/val (40 images)"));
        ObjectMapper json = BundleMetadata.JSON;
        JsonNode tree = json.readTree(json.writeValueAsBytes(m));
        assertEquals(0.73, tree.get("thresholds").get("0.98").asDouble());
        assertEquals(1, tree.get("thresholds").size());
        assertEquals("data/val (40 images)", tree.get("provenance").get("thresholdsCalibratedOn").asText());
        BundleMetadata back = json.treeToValue(tree, BundleMetadata.class);
        assertEquals(m, back);
        assertEquals("data/val (40 images)", back.thresholds().calibratedOn().orElseThrow());

        // New thresholds say where they were calibrated, or nothing: the old calibration's place goes with them.
        BundleMetadata both = m.withThresholds(Thresholds.fromKeys(Map.of("0.98", 0.8, "no-box 0.98", 0.9), "val",
                "val without boxes"));
        BundleMetadata uncalibrated = both.withThresholds(Thresholds.fromKeys(Map.of("0.98", 0.7)));
        assertFalse(uncalibrated.provenance().containsKey(BundleMetadata.THRESHOLDS_CALIBRATED_ON));
        assertFalse(uncalibrated.provenance().containsKey(BundleMetadata.NO_BOX_THRESHOLDS_CALIBRATED_ON));
        assertTrue(uncalibrated.thresholds().calibratedOn().isEmpty());
        BundleMetadata boxOnly = both.withThresholds(Thresholds.fromKeys(Map.of("0.98", 0.7), "test"));
        assertEquals("test", boxOnly.provenance().get(BundleMetadata.THRESHOLDS_CALIBRATED_ON));
        assertFalse(boxOnly.provenance().containsKey(BundleMetadata.NO_BOX_THRESHOLDS_CALIBRATED_ON));

        // A bundle from before thresholds existed reads as none calibrated.
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree).remove("thresholds");
        assertTrue(json.treeToValue(tree, BundleMetadata.class).thresholds().isEmpty());
    }

    @Test
    void noBoxThresholdsAreCalibratedAndMergedApartFromTheCallersBoxOnes() {
        Thresholds withBox = Thresholds.fromKeys(Map.of("0.98", 0.7, "0.95", 0.4), "val");
        Thresholds noBox = Thresholds.fromKeys(Map.of("0.98", 0.99), "val").asNoBox();
        assertEquals(Map.of("no-box 0.98", 0.99), noBox.byKey());
        assertEquals("val", noBox.noBoxCalibratedOn().orElseThrow());
        assertTrue(noBox.calibratedOn().isEmpty());

        Thresholds merged = withBox.updatedWith(noBox);
        assertEquals(0.7, merged.at(TargetAccuracy.PAPER).orElseThrow());
        assertEquals(0.99, merged.atNoBox(TargetAccuracy.PAPER).orElseThrow());
        assertEquals("val", merged.calibratedOn().orElseThrow(), "a no-box calibration keeps the other's provenance");
        // A later caller's-box calibration leaves the no-box one in place, and the other way round.
        Thresholds recalibrated = merged.updatedWith(Thresholds.fromKeys(Map.of("0.98", 0.75), "val2"));
        assertEquals(0.75, recalibrated.at(TargetAccuracy.PAPER).orElseThrow());
        assertEquals(0.99, recalibrated.atNoBox(TargetAccuracy.PAPER).orElseThrow());
        assertEquals("val", recalibrated.noBoxCalibratedOn().orElseThrow());

        assertEquals(new AcceptanceThreshold(0.7, 0.99), merged.acceptance(TargetAccuracy.PAPER, "m"));
        // 95% has no no-box threshold: answers without a box are judged by the caller's-box one, as before.
        assertEquals(new AcceptanceThreshold(0.4, 0.4), merged.acceptance(new TargetAccuracy(0.95), "m"));
        // Stored keys read back to the same thresholds, keys compared as numbers after the prefix.
        assertEquals(merged.byKey(), Thresholds.fromKeys(Map.of("0.980", 0.7, "0.95", 0.4, "no-box 0.980", 0.99))
                .byKey());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Thresholds.fromKeys(Map.of("no-box 1.5", 0.9))).getMessage().contains("1.5"));
    }

    @Test
    void anAnswerIsJudgedByTheThresholdOfWhereItsBoxCameFrom() {
        AcceptanceThreshold t = new AcceptanceThreshold(0.5, 0.9);
        Transcription sure = new Transcription("12", true, 0.7, Math.log(0.7), 0.7, new double[7], new double[5][10],
                java.util.List.of(), null, null);
        assertTrue(t.accepts(sure.withBox(new dev.streetnum.data.Box(0, 0, 4, 4), BoxSource.CALLER)));
        assertFalse(t.accepts(sure.withBox(new dev.streetnum.data.Box(0, 0, 4, 4), BoxSource.LOCALIZED)));
        assertFalse(t.accepts(sure.withBox(new dev.streetnum.data.Box(0, 0, 4, 4), BoxSource.WHOLE_IMAGE)));
        assertTrue(t.accepts(sure), "preprocessed input (no source) is a caller's region");
        assertEquals(0.9, t.forSource(BoxSource.LOCALIZED));
        assertThrows(IllegalArgumentException.class, () -> new AcceptanceThreshold(0.5, 1.2));
    }

    @Test
    void metadataKeepsTheNoBoxThresholdsAndTheirProvenanceThroughJson() throws Exception {
        BundleMetadata m = with(Thresholds.NONE, Map.of())
                .withThresholds(Thresholds.fromKeys(Map.of("0.98", 0.73), "val")
                        .updatedWith(Thresholds.fromKeys(Map.of("0.98", 0.97), "val (no box)").asNoBox()));
        ObjectMapper json = BundleMetadata.JSON;
        JsonNode tree = json.readTree(json.writeValueAsBytes(m));
        assertEquals(0.97, tree.get("thresholds").get("no-box 0.98").asDouble());
        assertEquals("val (no box)", tree.get("provenance").get("noBoxThresholdsCalibratedOn").asText());
        BundleMetadata back = json.treeToValue(tree, BundleMetadata.class);
        assertEquals(m, back);
        assertEquals("val (no box)", back.thresholds().noBoxCalibratedOn().orElseThrow());
        assertEquals("val", back.thresholds().calibratedOn().orElseThrow());
    }
}
