package dev.streetnum.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.AnnotatedImage;
import dev.streetnum.data.Augmentation;
import dev.streetnum.data.CropExpander;
import dev.streetnum.data.PreprocessConfig;
import dev.streetnum.data.SequenceLabels;
import dev.streetnum.data.StreetNumberIterator;
import dev.streetnum.data.TestData;
import dev.streetnum.eval.Evaluator;
import dev.streetnum.eval.ValidationScore;
import dev.streetnum.model.BundleMetadata;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.Preset;
import dev.streetnum.model.SequenceLikelihood;
import dev.streetnum.model.StreetNumberNetwork;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * The done-when test: the real TINY network, trained through {@link Trainer} for a bounded number of
 * steps on a few hundred generated images, learns something, and the run folder holds what it promises.
 * One training run is shared by every assertion (it is the expensive part).
 */
class TrainerTest {

    private static final int TRAIN_IMAGES = 192;
    private static final int VAL_IMAGES = 64;
    private static final int STEPS = 48;

    @TempDir
    static Path dir;
    static TrainConfig config;
    static TrainingData data;
    static ModelBundle best;
    static Path runDir;

    @BeforeAll
    static void trainOnce() {
        TestData.generatedSet(dir.resolve("data/train"), TRAIN_IMAGES, 11);
        TestData.generatedSet(dir.resolve("data/val"), VAL_IMAGES, 12);
        data = TrainingData.load(dir.resolve("data"), List.of());
        // No dropout or decay, a brisk constant rate: the fastest honest learning in a few dozen steps.
        config = new TrainConfig(Preset.TINY, 100, 0, STEPS, 16, 3e-3, LearningRateSchedule.CONSTANT, 0, 0, 5,
                STEPS / 2, VAL_IMAGES, 0, STEPS / 2, 2, null);
        runDir = dir.resolve("run");
        best = new Trainer(config, runDir, "test").train(data, false);
    }

    @Test
    void tinyPresetLearnsInABoundedNumberOfSteps() {
        List<String> lines = readLines(runDir.resolve(MetricsLog.CSV_NAME));
        assertEquals(3, lines.size(), "a header and one row per validation: " + lines);
        double firstLoss = Double.parseDouble(lines.get(1).split(",")[3]);
        double lastLoss = Double.parseDouble(lines.get(2).split(",")[3]);
        assertTrue(lastLoss < firstLoss, "training loss should fall: " + firstLoss + " then " + lastLoss);

        // Above chance, measured independently of the trainer: the validation images' mean -log P(S|x)
        // (the model module's plain-Java formula) against the same network untrained, and the length head's
        // accuracy against the untrained network's.
        ComputationGraph untrained = StreetNumberNetwork.build(Preset.TINY, config.networkOptions());
        Fit before = fit(untrained, data.val());
        Fit after = fit(best.network(), data.val());
        double majority = majorityLengthRate(data.val());
        System.out.printf(Locale.ROOT, "TINY after %d steps: val NLL %.3f (untrained %.3f), length accuracy %.3f"
                + " (majority %.3f, untrained %.3f)%n", STEPS, after.nll, before.nll, after.lengthAccuracy, majority,
                before.lengthAccuracy);
        assertTrue(after.nll < before.nll - 0.5, "validation -log P(S|x) " + after.nll + " vs untrained " + before.nll);
        // 48 steps reach about the majority rate (measured 0.547 vs 0.531): too thin a margin to assert on,
        // so the length head is held to its untrained self, which sits far below the majority (0.016).
        assertTrue(after.lengthAccuracy > before.lengthAccuracy + 0.2, "length accuracy " + after.lengthAccuracy
                + " vs untrained " + before.lengthAccuracy + " (majority rate " + majority + ")");
    }

    @Test
    void runFolderHoldsEveryOutputAndTheBundleSaysHowItWasMade() throws Exception {
        for (String name : List.of(Trainer.BEST_BUNDLE, Checkpoint.FILE_NAME, MetricsLog.CSV_NAME, MetricsLog.PNG_NAME,
                LayerMonitor.CSV_NAME, Trainer.RUN_JSON, "monitor/activations-000000.png", "monitor/gradients-000024.png")) {
            assertTrue(Files.size(runDir.resolve(name)) > 0, name + " missing or empty");
        }
        BundleMetadata meta = best.metadata();
        assertEquals(BundleMetadata.FORMAT_VERSION, meta.formatVersion());
        assertEquals(Preset.TINY, meta.presetValue());
        assertEquals(data.train().identity(), meta.provenance().get("train_data"));
        assertEquals(data.val().identity(), meta.provenance().get("val_data"));
        assertEquals(5, ((Number) meta.provenance().get("seed")).intValue());
        assertEquals("test", meta.provenance().get("command_line"));
        assertTrue(meta.provenance().containsKey("git_commit"));

        JsonNode run = new ObjectMapper().readTree(runDir.resolve(Trainer.RUN_JSON).toFile());
        assertEquals(STEPS, run.get("iterations").asInt());
        assertEquals(meta.metrics().get("iteration").intValue(), run.get("best").get("iteration").asInt());
        // What was asked, and what DL4J did: nothing asked means no layer named as helped.
        JsonNode helpers = run.get("onednn_layer_helpers");
        assertEquals(dev.streetnum.model.fast.CpuAcceleration.isRequested(), helpers.get("requested").asBoolean());
        assertTrue(helpers.get("layers").isArray(), helpers.toString());
        assertTrue(helpers.get("requested").asBoolean() || helpers.get("layers").isEmpty(), helpers.toString());
        // Every monitored layer with parameters has a finite gradient norm in every snapshot.
        List<String> monitored = readLines(runDir.resolve(LayerMonitor.CSV_NAME)).stream()
                .filter(row -> !row.endsWith(",-")).toList();
        assertTrue(monitored.size() > 2 * 6, "two snapshots of the conv, dense and head layers: " + monitored);
        for (String row : monitored.subList(1, monitored.size())) {
            double gradientNorm = Double.parseDouble(row.split(",")[6]);
            assertTrue(Double.isFinite(gradientNorm) && gradientNorm >= 0, row);
        }
    }

    @Test
    void validationScoresExactlyTheFirstImagesAsTheEvaluatorDoes() {
        // measure() cuts the sample inside a minibatch; one unshuffled minibatch of exactly those images,
        // scored by the evaluator directly, must give the same figures.
        int sample = 21;
        CropExpander expander = new CropExpander(PreprocessConfig.DEFAULT);
        try (StreetNumberIterator byEight = new StreetNumberIterator(data.val(), expander,
                new StreetNumberIterator.Options(8, false, false, 1, 1, null));
             StreetNumberIterator whole = new StreetNumberIterator(AnnotatedDataset.of(data.val().root(),
                     data.val().images().subList(0, sample), "first"), expander,
                     new StreetNumberIterator.Options(sample, false, false, 1, 1, null))) {
            SequenceScore cut = SequenceScore.measure(best.network(), byEight, sample);
            ValidationScore direct = Evaluator.validate(best.network(), whole);
            assertEquals(sample, cut.examples());
            assertEquals(direct.examples(), cut.examples());
            assertEquals(direct.sequenceAccuracy(), cut.accuracy(), 1e-12);
            assertEquals(direct.coverage(), cut.coverage(), 1e-12);
        }
    }

    /**
     * --init-from a TINY bundle with --preset tiny_deep: the run starts from the same function with two
     * more layers (measured independently: the val -log P(S|x) of the trained TINY network), and a preset
     * that does not deepen TINY is refused with a sentence naming both.
     */
    @Test
    void fineTuningCanDeepenTheStartingNetwork(@TempDir Path deeper) {
        Path start = runDir.resolve(Trainer.BEST_BUNDLE);
        // a learning rate too small to move anything in two steps: what is measured is the starting point
        ModelBundle deepened = new Trainer(fineTuning(Preset.TINY_DEEP, start), deeper.resolve("deep"), "test")
                .train(data, false);
        assertEquals(Preset.TINY_DEEP, deepened.metadata().presetValue());
        assertEquals(fit(best.network(), data.val()).nll, fit(deepened.network(), data.val()).nll, 1e-4);

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new Trainer(fineTuning(Preset.TINY_BN, start), deeper.resolve("bn"), "test").train(data, false));
        assertTrue(refused.getMessage().contains("TINY network and this run trains TINY_BN")
                && refused.getMessage().contains("deepens"), refused.getMessage());
    }

    private static TrainConfig fineTuning(Preset preset, Path start) {
        return new TrainConfig(preset, 100, 0, 2, 16, 1e-9, LearningRateSchedule.CONSTANT, 0, 0, 5, 2, VAL_IMAGES, 0, 0,
                2, null, Augmentation.NONE, PreprocessConfig.DEFAULT, start, TrainConfig.DEFAULT_WEIGHT_AVERAGE_DECAY,
                TrainConfig.DEFAULT_SHARPNESS_RADIUS);
    }

    private record Fit(double nll, double lengthAccuracy) {
    }

    private static Fit fit(ComputationGraph net, AnnotatedDataset set) {
        double nll = 0;
        int right = 0;
        int n = 0;
        try (StreetNumberIterator it = new StreetNumberIterator(set, new CropExpander(PreprocessConfig.DEFAULT),
                new StreetNumberIterator.Options(32, false, false, 1, 1, null))) {
            while (it.hasNext()) {
                MultiDataSet batch = it.next();
                INDArray[] out = net.output(batch.getFeatures(0));
                for (int row = 0; row < out[0].size(0); row++, n++) {
                    AnnotatedImage image = set.images().get(n);
                    double[][] heads = new double[out.length][];
                    for (int h = 0; h < out.length; h++) {
                        heads[h] = out[h].getRow(row).toDoubleVector();
                    }
                    nll -= SequenceLikelihood.logProbability(heads, image.number());
                    right += argMax(heads[0]) == Math.min(image.length(), SequenceLabels.OVERFLOW_CLASS) ? 1 : 0;
                }
            }
        }
        return new Fit(nll / n, (double) right / n);
    }

    private static double majorityLengthRate(AnnotatedDataset set) {
        int[] counts = new int[SequenceLabels.OVERFLOW_CLASS + 1];
        for (AnnotatedImage image : set.images()) {
            counts[Math.min(image.length(), SequenceLabels.OVERFLOW_CLASS)]++;
        }
        int max = 0;
        for (int c : counts) {
            max = Math.max(max, c);
        }
        return (double) max / set.size();
    }

    private static int argMax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            best = v[i] > v[best] ? i : best;
        }
        return best;
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
