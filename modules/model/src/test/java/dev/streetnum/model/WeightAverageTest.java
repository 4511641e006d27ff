package dev.streetnum.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.PreprocessConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Weight averages: every parameter the mean of the members', checked value by value; unlike networks refused. */
class WeightAverageTest {

    @TempDir
    Path dir;

    @Test
    void everyParameterIsTheMeanOfTheMembersParameter() {
        ModelBundle a = TestBundles.tiny(21);
        ModelBundle b = TestBundles.tiny(22);
        ModelBundle c = TestBundles.tiny(23);
        ModelBundle average = WeightAverage.average(List.of(a, b, c), "soup");

        Map<String, INDArray> got = average.network().paramTable();
        assertEquals(a.network().paramTable().keySet(), got.keySet());
        int checked = 0;
        for (String name : got.keySet()) {
            double[] x = a.network().paramTable().get(name).dup().data().asDouble();
            double[] y = b.network().paramTable().get(name).dup().data().asDouble();
            double[] z = c.network().paramTable().get(name).dup().data().asDouble();
            double[] mean = got.get(name).dup().data().asDouble();
            assertEquals(x.length, mean.length, name);
            for (int i = 0; i < mean.length; i++) {
                assertEquals((x[i] + y[i] + z[i]) / 3, mean[i], 1e-6, name + "[" + i + "]");
                checked++;
            }
        }
        assertEquals(a.network().numParams(), checked);
        assertFalse(a.network().params().equals(average.network().params()), "the members differ, so the mean is new");
        // the members are untouched
        assertEquals(TestBundles.tiny(21).network().params(), a.network().params());
    }

    @Test
    void theAverageOfABundleWithItselfReadsAsThatBundle() {
        TestPhotos photos = TestPhotos.generated(41, 3);
        try {
            ModelBundle bundle = TestBundles.tiny(9);
            ModelBundle twice = WeightAverage.average(List.of(bundle, TestBundles.tiny(9)), "twice");
            ReadChecks.assertSameAnswers(photos.readBy(new Transcriber(bundle)), photos.readBy(new Transcriber(twice)));
            assertEquals(2, ((List<?>) twice.metadata().provenance().get(WeightAverage.MEMBER_PROVENANCE)).size(),
                    "members sharing a model id each keep their provenance");
        } finally {
            photos.close();
        }
    }

    @Test
    void theAverageSaysWhatItIsAndCarriesNoThresholdsOfItsMembers() {
        ModelBundle a = TestBundles.tiny(21);
        a = a.withMetadata(a.metadata().withThresholds(Thresholds.NONE.with(TargetAccuracy.PAPER, 0.8)));
        Path file = dir.resolve("soup" + ModelBundle.EXTENSION);
        WeightAverage.average(List.of(a, TestBundles.tiny(22)), "soup").save(file);

        ModelBundle loaded = ModelBundle.load(file);
        assertEquals("soup", loaded.metadata().modelId());
        assertTrue(loaded.metadata().thresholds().isEmpty(), "a member's threshold measures other weights");
        assertEquals(List.of("tiny-test-21", "tiny-test-22"), loaded.metadata().provenance().get(WeightAverage.AVERAGE_OF));
        List<?> members = (List<?>) loaded.metadata().provenance().get(WeightAverage.MEMBER_PROVENANCE);
        assertEquals(2, members.size());
        Map<?, ?> first = (Map<?, ?>) members.get(0);
        assertEquals("tiny-test-21", first.get("modelId"));
        assertEquals(a.metadata().provenance().get("seed"), ((Map<?, ?>) first.get("provenance")).get("seed"));
        assertEquals("tiny-test-22", ((Map<?, ?>) members.get(1)).get("modelId"));
        assertEquals(a.metadata().preset(), loaded.metadata().preset());
    }

    @Test
    void unlikeNetworksAndASingleBundleAreRefusedWithASentence() {
        ModelBundle tiny = TestBundles.tiny(1);
        ModelBundle bn = new ModelBundle(StreetNumberNetwork.build(Preset.TINY_BN, NetworkOptions.seeded(2)),
                BundleMetadata.create("tiny-bn", Preset.TINY_BN, PreprocessConfig.DEFAULT, Map.of()));
        IllegalArgumentException presets = assertThrows(IllegalArgumentException.class,
                () -> WeightAverage.average(List.of(tiny, bn), "x"));
        assertTrue(presets.getMessage().contains("within one preset: tiny-test-1 is tiny, tiny-bn is tiny_bn"),
                presets.getMessage());
        IllegalArgumentException one = assertThrows(IllegalArgumentException.class,
                () -> WeightAverage.average(List.of(tiny), "x"));
        assertTrue(one.getMessage().contains("at least two bundles, got 1"), one.getMessage());
    }
}
