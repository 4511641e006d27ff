package dev.streetnum.onnx;

import dev.streetnum.model.ModelBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import onnx.Onnx;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code streetnum export-onnx}: the bundle's network as a standard ONNX model for other runtimes. */
@Command(name = "export-onnx", mixinStandardHelpOptions = true,
        description = {"Writes the bundle's network as an ONNX model (opset 13): input 'image' [batch,3,54,54] float,"
                + " normalised as the metadata says; outputs 'length' [batch,7] and 'digit1'..'digit5' [batch,10],"
                + " softmax probabilities; model id, thresholds and preprocessing in its metadata properties.",
                "--int8 writes the bundle's int8 model instead (made by streetnum quantize)."})
public final class ExportOnnxCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "BUNDLE", description = "The model bundle.")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The .onnx file to write.")
    Path out;

    @Option(names = "--int8", description = "Write the bundle's int8 model rather than the float export.")
    boolean int8;

    @Override
    public Integer call() throws Exception {
        ModelBundle bundle = ModelBundle.load(model);
        Onnx.ModelProto onnx = int8 ? Engine.int8Model(bundle) : OnnxExporter.export(bundle);
        Path target = out.toAbsolutePath();
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.write(tmp, onnx.toByteArray());
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        spec.commandLine().getOut().printf("wrote %s (%s, %d bytes, model %s)%n", out, int8 ? "int8" : "float32",
                Files.size(target), OnnxMetadata.properties(onnx).get(OnnxMetadata.MODEL_ID));
        return 0;
    }
}
