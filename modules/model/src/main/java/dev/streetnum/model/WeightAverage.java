package dev.streetnum.model;

import dev.streetnum.data.StreetnumVersion;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One network whose every weight is the mean of the same weight in several bundles (a "model soup",
 * Wortsman et al. 2022): unlike an {@link Ensemble} it costs one forward pass. It is only meaningful for
 * networks fine-tuned from one another or from a common start, which stay in one basin of the loss;
 * the bundles must share the preset, every parameter's shape and the preprocessing. The average keeps
 * the first bundle's localizers, but none of the thresholds, metrics or int8 model: those measure other
 * weights, so they must be calibrated again.
 */
public final class WeightAverage {

    /** The provenance entry listing the averaged bundles' model ids, first first. */
    public static final String AVERAGE_OF = "weightAverageOf";
    /** The provenance entry holding each averaged bundle's model id and own provenance, in {@link #AVERAGE_OF}'s order. */
    public static final String MEMBER_PROVENANCE = "weightAverageProvenance";

    private WeightAverage() {
    }

    /**
     * @param bundles at least two, alike (preset, parameter shapes, preprocessing); the first leads
     * @param modelId the average's model id
     */
    public static ModelBundle average(List<ModelBundle> bundles, String modelId) {
        if (bundles == null || bundles.size() < 2) {
            throw new IllegalArgumentException("a weight average needs at least two bundles, got "
                    + (bundles == null ? 0 : bundles.size()));
        }
        Ensemble.requireAlike(bundles);
        ModelBundle lead = bundles.get(0);
        for (ModelBundle other : bundles.subList(1, bundles.size())) {
            requireSameShapes(lead, other);
        }
        ComputationGraph network = lead.network().clone();
        INDArray mean = lead.network().params().dup();
        for (ModelBundle other : bundles.subList(1, bundles.size())) {
            mean.addi(other.network().params());
        }
        mean.divi(bundles.size());
        network.setParams(mean);

        List<String> ids = new ArrayList<>(bundles.size());
        // A list, not a map by id: two members may share an id (same preset, seed and best iteration).
        List<Map<String, Object>> members = new ArrayList<>(bundles.size());
        for (ModelBundle b : bundles) {
            ids.add(b.metadata().modelId());
            Map<String, Object> member = new LinkedHashMap<>();
            member.put("modelId", b.metadata().modelId());
            member.put("provenance", b.metadata().provenance());
            members.add(member);
        }
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put(AVERAGE_OF, ids);
        provenance.put(MEMBER_PROVENANCE, members);
        BundleMetadata leadMetadata = lead.metadata();
        BundleMetadata metadata = new BundleMetadata(BundleMetadata.FORMAT_VERSION, modelId, leadMetadata.preset(),
                leadMetadata.preprocess(), leadMetadata.normalisation(), Thresholds.NONE, provenance, Map.of(),
                StreetnumVersion.VERSION, null, null, null, null);
        return new ModelBundle(network, metadata, null).withLocalizers(lead.localizers());
    }

    /** Refuses bundles whose presets or parameters differ, naming the first difference. */
    private static void requireSameShapes(ModelBundle lead, ModelBundle other) {
        String a = lead.metadata().modelId();
        String b = other.metadata().modelId();
        if (!lead.metadata().preset().equals(other.metadata().preset())) {
            throw new IllegalArgumentException("weights can only be averaged within one preset: " + a + " is "
                    + lead.metadata().preset() + ", " + b + " is " + other.metadata().preset());
        }
        Map<String, INDArray> left = lead.network().paramTable();
        Map<String, INDArray> right = other.network().paramTable();
        if (!left.keySet().equals(right.keySet())) {
            throw new IllegalArgumentException("weights can only be averaged between like networks: " + a + " has "
                    + left.keySet() + ", " + b + " has " + right.keySet());
        }
        for (Map.Entry<String, INDArray> e : left.entrySet()) {
            long[] shape = e.getValue().shape();
            long[] otherShape = right.get(e.getKey()).shape();
            if (!Arrays.equals(shape, otherShape)) {
                throw new IllegalArgumentException("weights can only be averaged between like networks: parameter "
                        + e.getKey() + " is " + Arrays.toString(shape) + " in " + a + " and "
                        + Arrays.toString(otherShape) + " in " + b);
            }
        }
    }
}
