package dev.streetnum.serve;

import dev.streetnum.model.AcceptanceThreshold;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streetnum.data.Box;
import dev.streetnum.data.DataException;
import dev.streetnum.data.ImageDecoder;
import dev.streetnum.model.Ensemble;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.ReadViews;
import dev.streetnum.model.Transcriber;
import dev.streetnum.model.Transcription;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code streetnum transcribe}: the service's answer for image files, one JSON line each. It calls the
 * bundle's {@link Transcriber} directly (no queue, no HTTP limits) and judges each answer at the
 * threshold the service would use, so a line is what the service answers for that file and box.
 * Exit codes: 2 for bad input (an unreadable file, a box off the image, no calibrated threshold),
 * 1 when the model fails on good input.
 */
@Command(name = "transcribe", mixinStandardHelpOptions = true,
        description = "Transcribes images with a model bundle; prints one JSON line per image.")
public final class TranscribeCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(TranscribeCommand.class);

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
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (region == null && model.localizer().isEmpty()) {
            err.println("note: " + model.localizerSummary());
        }
        ObjectMapper json = new ObjectMapper();
        try (Ensemble models = bundle.open(model)) {
            AcceptanceThreshold threshold = bundle.threshold(models);
            Transcriber transcriber = new Transcriber(models, ReadViews.CENTRE);
            // As many photos per forward pass as the service batches: decoded photos are large.
            for (int from = 0; from < images.size(); from += ServeConfig.DEFAULT_MAX_BATCH) {
                List<Path> chunk = images.subList(from, Math.min(images.size(), from + ServeConfig.DEFAULT_MAX_BATCH));
                long start = System.nanoTime();
                List<Transcription> answers;
                List<Mat> photos = new ArrayList<>(chunk.size());
                try {
                    for (Path file : chunk) {
                        photos.add(ImageDecoder.decode(ImageDecoder.readBytes(file), region, file.toString()));
                    }
                    answers = transcribe(transcriber, photos, region, chunk);
                } finally {
                    photos.forEach(Mat::close);
                }
                if (answers == null) {
                    return 1;
                }
                double elapsedMs = (System.nanoTime() - start) / 1e6;
                for (int i = 0; i < chunk.size(); i++) {
                    TranscriptionAnswer answer = TranscriptionAnswer.of(answers.get(i), threshold, models.modelId(),
                            elapsedMs);
                    ObjectNode line = json.createObjectNode().put("file", chunk.get(i).toString());
                    line.setAll((ObjectNode) json.valueToTree(answer));
                    out.println(line);
                }
                out.flush();
            }
        }
        return 0;
    }

    /**
     * The model's answers, or null when it failed on these (good) images: said in one sentence on
     * stderr, the stack trace logged. A bad box is the caller's error and propagates (exit 2).
     */
    private List<Transcription> transcribe(Transcriber transcriber, List<Mat> photos, Box region, List<Path> files) {
        try {
            return transcriber.transcribe(photos, Collections.nCopies(photos.size(), region));
        } catch (DataException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.error("the model failed to transcribe {}", files, e);
            spec.commandLine().getErr().println("error: the model failed to transcribe "
                    + (files.size() == 1 ? files.get(0) : files.size() + " images from " + files.get(0)) + " ("
                    + e.getMessage() + "); the log has the details");
            return null;
        }
    }
}
