package dev.streetnum.eval;

import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.CropExpander;
import dev.streetnum.data.PreprocessConfig;
import dev.streetnum.data.StreetNumberIterator;
import dev.streetnum.model.BundleMetadata;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.NetworkOptions;
import dev.streetnum.model.Preset;
import dev.streetnum.model.StreetNumberNetwork;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * A TINY bundle trained for a few epochs on the very images it will be evaluated on, so that some of
 * its answers are right and some wrong, at many confidences: an untrained network is wrong nearly
 * everywhere and would leave the threshold logic unexercised. Memorising, not generalising, is the
 * point; the numbers it gives say nothing about the model's quality.
 */
final class BrieflyTrainedBundle {

    /** Unregularised (dropout would fight memorisation in a 16-unit dense layer), a larger Adam step. */
    static final NetworkOptions OPTIONS = new NetworkOptions(1e-2, 0, 0, 7);

    /**
     * Trains on centre crops (as evaluation sees them) of {@code sets}: each set is cut once into one
     * in-memory batch, then {@code steps} full-batch Adam steps cycle through the sets.
     */
    static ModelBundle train(int steps, AnnotatedDataset... sets) {
        ComputationGraph network = StreetNumberNetwork.build(Preset.TINY, OPTIONS);
        CropExpander expander = new CropExpander(PreprocessConfig.DEFAULT);
        List<MultiDataSet> batches = new ArrayList<>();
        for (AnnotatedDataset set : sets) {
            try (StreetNumberIterator iterator = new StreetNumberIterator(set, expander,
                    new StreetNumberIterator.Options(set.size(), false, false, 0, 1, null))) {
                batches.add(iterator.next());
            }
        }
        for (int step = 0; step < steps; step++) {
            network.fit(batches.get(step % batches.size()));
        }
        return new ModelBundle(network, BundleMetadata.create("tiny-eval-trained", Preset.TINY,
                PreprocessConfig.DEFAULT, Map.of("source", "BrieflyTrainedBundle", "steps", steps)));
    }

    private BrieflyTrainedBundle() {
    }
}
