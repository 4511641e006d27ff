package dev.streetnum.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streetnum.data.Box;
import dev.streetnum.data.ImageDecoder;
import dev.streetnum.model.InferenceEngine;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.Transcriber;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code streetnum transcribe}: the service's answer for image files, one JSON line each, through the
 * same {@link TranscriptionEngine} the HTTP service uses.
 */
@Command(name = "transcribe", mixinStandardHelpOptions = true,
        description = "Transcribes images with a model bundle; prints one JSON line per image.")
public final class TranscribeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    BundleOptions bundle;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "PNG or JPEG files")
    List<Path> images;

    @Option(names = "--box", paramLabel = "L,T,W,H",
            description = {"the detector box left,top,width,height (applies to every image); without it the bundle's"
                    + " localizer finds the number (a bundle without one reads the whole image)"})
    String box;

    @Override
    public Integer call() {
        Box region = box == null ? null : Box.parse(box);
        ModelBundle model = bundle.load();
        InferenceEngine network = bundle.open(model);
        if (region == null && model.localizer().isEmpty()) {
            spec.commandLine().getErr().println("note: " + model.localizerSummary());
        }
        ServeConfig config = ServeConfig.defaults(network.modelId(), bundle.threshold(network));
        ObjectMapper json = new ObjectMapper();
        PrintWriter out = spec.commandLine().getOut();
        try (TranscriptionEngine engine = new TranscriptionEngine(new ServedModel(new Transcriber(model, network)), config,
                model.metadata().preprocess(), new SimpleMeterRegistry())) {
            for (int from = 0; from < images.size(); from += config.maxImagesPerCall()) {
                List<Path> chunk = images.subList(from, Math.min(images.size(), from + config.maxImagesPerCall()));
                List<EncodedImage> encoded = new ArrayList<>(chunk.size());
                for (Path file : chunk) {
                    encoded.add(new EncodedImage(ImageDecoder.readBytes(file), region, file.toString()));
                }
                List<TranscriptionAnswer> answers = engine.transcribe(encoded);
                for (int i = 0; i < chunk.size(); i++) {
                    ObjectNode line = json.createObjectNode().put("file", chunk.get(i).toString());
                    line.setAll((ObjectNode) json.valueToTree(answers.get(i)));
                    out.println(line);
                }
                out.flush();
            }
        } catch (ServiceError e) {
            throw new IllegalArgumentException(e.getMessage()); // the launcher prints it, exit 2
        }
        return 0;
    }
}
