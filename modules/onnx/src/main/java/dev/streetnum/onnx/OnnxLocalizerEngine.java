package dev.streetnum.onnx;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.streetnum.model.LocalizerEngine;
import onnx.Onnx;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A localizer's exported network ({@link OnnxExporter#export(dev.streetnum.model.Localizer, String)}) run
 * by ONNX Runtime with the transcriber's session options: at batch 1, as the service reads most photos,
 * ONNX Runtime runs these small networks several times faster than DL4J.
 */
final class OnnxLocalizerEngine implements LocalizerEngine {

    private final OrtSession session;
    private final String name;

    OnnxLocalizerEngine(Onnx.ModelProto model, int threads) {
        this.name = OnnxMetadata.modelId(model);
        this.session = OnnxEngine.session(model, name, threads);
    }

    @Override
    public INDArray output(INDArray photos) {
        return OnnxEngine.run(session, photos, name)[0];
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("could not close the ONNX Runtime session of " + name, e);
        }
    }
}
