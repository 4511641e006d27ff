package dev.streetnum.model;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The bundle's DL4J networks themselves: the reference every other engine is tested against. */
public final class Dl4jEngine implements InferenceEngine {

    private final ModelBundle bundle;

    public Dl4jEngine(ModelBundle bundle) {
        this.bundle = bundle;
    }

    @Override
    public String modelId() {
        return bundle.metadata().modelId();
    }

    @Override
    public Thresholds thresholds() {
        return bundle.metadata().thresholds();
    }

    @Override
    public INDArray[] output(INDArray features) {
        INDArray input = features.dataType() == bundle.network().params().dataType()
                ? features : features.castTo(bundle.network().params().dataType());
        return bundle.network().output(false, input);
    }

    @Override
    public List<Localizer> localizers() {
        return bundle.localizers();
    }
}
