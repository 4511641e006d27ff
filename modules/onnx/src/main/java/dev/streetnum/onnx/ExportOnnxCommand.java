package dev.streetnum.onnx;

import dev.streetnum.data.AtomicFile;
import dev.streetnum.model.Ensemble;
import dev.streetnum.model.ModelBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import onnx.Onnx;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code streetnum export-onnx}: the bundle's network (or one of its localizers) as a standard ONNX model for other runtimes. */
@Command(name = "export-onnx", mixinStandardHelpOptions = true,
        description = {"Writes the bundle's network as an ONNX model (opset 13): input 'image' [batch,3,54,54] float,"
                + " normalised as the metadata says; outputs 'length' [batch,7] and 'digit1'..'digit5' [batch,10],"
                + " softmax probabilities; model id, thresholds and preprocessing in its metadata properties.",
                "--int8 writes the bundle's int8 model instead (made by streetnum quantize); --localizer N its N-th"
                        + " localizer: input 'image' [batch,3,H,W] (the whole photo stretched to the localizer's input),"
                        + " output 'box' [batch,4], the encoded box (metadata properties say how to read it).",
                "An ONNX file holds one network: of a joined bundle (streetnum ensemble, such as the shipped one),"
                        + " --network N writes its N-th network alone, float or with --int8 its int8 model, under that"
                        + " network's own id and without thresholds (the bundle's are its networks' together)."})
public final class ExportOnnxCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "BUNDLE", description = "The model bundle.")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The .onnx file to write.")
    Path out;

    @Option(names = "--int8", description = "Write the bundle's int8 model rather than the float export.")
    boolean int8;

    @Option(names = "--network", paramLabel = "N",
            description = "Of a joined bundle, write its N-th network alone (1 is the first, as model-info and"
                    + " split-ensemble number them).")
    Integer network;

    @Option(names = "--localizer", paramLabel = "N",
            description = "Write the bundle's N-th localizer (1 is the first, as model-info lists them) instead.")
    Integer localizer;

    @Override
    public Integer call() throws Exception {
        ModelBundle bundle = ModelBundle.load(model);
        Onnx.ModelProto onnx;
        String precision = int8 ? "int8" : "float32";
        if (localizer != null) {
            if (network != null) {
                throw new IllegalArgumentException("--network and --localizer: the localizers belong to the bundle, not"
                        + " to one network; choose one");
            }
            if (int8) {
                throw new IllegalArgumentException("--int8 and --localizer: the localizers have"
                        + " no int8 model; choose one");
            }
            int held = bundle.localizers().size();
            if (localizer < 1 || localizer > held) {
                throw new IllegalArgumentException("--localizer " + localizer + ": model "
                        + bundle.metadata().modelId() + " has " + (held == 0 ? "no localizer" : "localizers 1 to " + held));
            }
            onnx = OnnxExporter.export(bundle.localizers().get(localizer - 1), OnnxEngine.localizerId(bundle.metadata().modelId(), localizer));
            precision = "float32 localizer";
        } else if (network != null) {
            int held = bundle.members().size();
            // A one-network bundle has no network to choose, --network 1 included: its export is the whole bundle.
            if (held == 1 || network < 1 || network > held) {
                throw new IllegalArgumentException("--network " + network + ": model " + bundle.metadata().modelId()
                        + (held == 1 ? " is one network: leave --network out" : " has networks 1 to " + held));
            }
            ModelBundle alone = Ensemble.network(bundle, network - 1);
            onnx = int8 ? OnnxMetadata.asNetwork(Engine.int8Model(bundle, network - 1),
                    alone.metadata().modelId() + Int8Quantizer.MODEL_ID_SUFFIX) : OnnxExporter.export(alone);
            precision += ", network " + network + " of " + held;
        } else if (!bundle.partners().isEmpty()) {
            // The lead's export would carry the ensemble's id and thresholds without the other networks.
            throw new IllegalArgumentException("model " + bundle.metadata().modelId() + " reads with "
                    + bundle.members().size() + " networks (an ensemble) and an ONNX file holds one: choose it with"
                    + " --network N (1 to " + bundle.members().size() + ": " + Ensemble.memberIds(bundle)
                    + "), or serve the bundle with --engine onnx");
        } else {
            onnx = int8 ? Engine.int8Model(bundle) : OnnxExporter.export(bundle);
        }
        byte[] bytes = onnx.toByteArray();
        AtomicFile.write(out, tmp -> Files.write(tmp, bytes));
        spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s (%s, %d bytes, model %s)%n", out, precision,
                bytes.length, OnnxMetadata.properties(onnx).get(OnnxMetadata.MODEL_ID));
        return 0;
    }
}
