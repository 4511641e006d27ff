package dev.streetnum.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.AnnotatedImage;
import dev.streetnum.data.DataException;
import dev.streetnum.data.ImageDecoder;
import dev.streetnum.model.AcceptanceThreshold;
import dev.streetnum.model.Ensemble;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.ReadViews;
import dev.streetnum.model.TargetAccuracy;
import dev.streetnum.model.Transcriber;
import dev.streetnum.onnx.Engine;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code streetnum pseudo-label}: options in, a {@link PseudoLabeller} labels, a training set out. */
@Command(name = "pseudo-label", mixinStandardHelpOptions = true,
        description = {"Reads photos without labels or boxes as a caller without a box is served (the bundle's localizer,"
                + " then the transcriber) and writes those whose answer is accepted at the threshold as a training set:"
                + " OUT/labels.csv (every digit row carries the box found) and OUT/pseudo-label.json; with --soft"
                + " every photo, with the distributions its reading came from. Training data only: never report a"
                + " figure on it."})
public final class PseudoLabelCommand implements Callable<Integer> {

    /** Written beside labels.csv: how the labels were made. */
    public static final String MANIFEST = "pseudo-label.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "BUNDLE", description = "A bundle with a localizer.")
    Path model;

    @Option(names = "--images", required = true, paramLabel = "DIR",
            description = "Folder of photos (.png, .jpg), read in name order; no labels needed.")
    Path images;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for labels.csv and "
            + MANIFEST + ".")
    Path out;

    @Option(names = "--threshold", paramLabel = "T", description = "P(S|x) an answer must reach to become a label"
            + " (default: the bundle's threshold for --target-accuracy on --engine; required with --views).")
    Double threshold;

    @Option(names = "--target-accuracy", paramLabel = "A", defaultValue = "" + TargetAccuracy.PAPER_ACCURACY,
            description = "Which stored no-box threshold to use when --threshold is not given (default: ${DEFAULT-VALUE}).")
    double targetAccuracy;

    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = Engine.DEFAULT, converter = Engine.Converter.class,
            description = Engine.OPTION_HELP)
    Engine engine;

    @Option(names = "--ensemble", paramLabel = "BUNDLE", description = "Read with this bundle too (repeatable), each"
            + " head averaged over the models as evaluate --ensemble does; --model leads with its localizers. An"
            + " ensemble has no stored threshold: give --soft or --threshold.")
    List<Path> ensemble = new ArrayList<>();

    @Option(names = "--views", paramLabel = "N", defaultValue = "1",
            description = "Read each box as N views (1, 3, 5, 15; as evaluate --views) (default: ${DEFAULT-VALUE}).")
    int views;

    @Option(names = "--combine", paramLabel = "HOW", defaultValue = "MEAN",
            description = "How --views combine: MEAN, MOST_CONFIDENT or MIXTURE (as evaluate --combine) (default: ${DEFAULT-VALUE}).")
    ReadViews.Combine combine;

    @Option(names = "--limit", paramLabel = "N", description = "Read at most the first N photos.")
    Integer limit;

    @Option(names = "--soft", description = "Distillation: write every photo read (no threshold) with the six head"
            + " distributions of its reading, in OUT/" + AnnotatedDataset.TARGETS_FILE + " beside labels.csv;"
            + " train then fits those distributions instead of the answer (DESIGN section 3a).")
    boolean soft;

    @Override
    public Integer call() {
        ReadViews readViews = ReadViews.standard(views, combine);
        if (soft && threshold != null) {
            throw new IllegalArgumentException("--soft keeps every photo: it takes no --threshold");
        }
        if (!soft && threshold == null && views != 1) {
            throw new IllegalArgumentException("the stored thresholds belong to the plain read: with --views " + views
                    + " give --threshold, calibrated with the same views (evaluate --no-box --views " + views + ")");
        }
        if (!ensemble.isEmpty() && !soft && threshold == null) {
            throw new IllegalArgumentException("an ensemble (--ensemble) has no stored threshold: give --soft, or"
                    + " --threshold calibrated on the same ensemble (evaluate --no-box --ensemble)");
        }
        if (limit != null && limit < 1) {
            throw new IllegalArgumentException("--limit must be at least 1, got " + limit);
        }
        ModelBundle bundle = ModelBundle.load(model);
        TargetAccuracy target = new TargetAccuracy(targetAccuracy);
        // Photos without a box are judged as the service judges them: by the no-box threshold (none for --soft).
        AcceptanceThreshold acceptance = soft ? null : AcceptanceThreshold.of(threshold != null ? threshold
                : engine.thresholds(bundle).requireNoBox(target, bundle.metadata().modelId()));
        double t = soft ? Double.NaN : acceptance.noBox();
        List<Path> photos = photos(images, limit);
        PrintWriter err = spec.commandLine().getErr();
        List<ModelBundle> bundles = new ArrayList<>(List.of(bundle));
        bundles.addAll(ModelBundle.loadAll(ensemble));
        PseudoLabeller.Result result;
        try (Ensemble models = engine.open(bundles)) {
            Transcriber transcriber = new Transcriber(models, readViews);
            result = soft ? PseudoLabeller.softLabel(transcriber, photos, err)
                    : new PseudoLabeller(transcriber, acceptance, err).pseudoLabel(photos);
        }
        if (result.labelled().isEmpty()) {
            throw new DataException(soft ? "none of the " + result.read() + " photos read had a digit: nothing to write to " + out
                    : "no answer of the " + result.read() + " photos read reached P(S|x) " + t + ": nothing to write to " + out);
        }
        AnnotatedDataset.write(out.resolve(AnnotatedDataset.LABELS_FILE), result.labelled());
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("model", bundle.metadata().modelId());
        manifest.put("ensemble_with", bundles.subList(1, bundles.size()).stream().map(b -> b.metadata().modelId()).toList());
        manifest.put("engine", engine.label());
        manifest.put("views", views);
        manifest.put("combine", combine.name());
        manifest.put("soft_targets", soft);
        manifest.put("threshold", soft ? null : t);
        manifest.put("images", images.toAbsolutePath().normalize().toString());
        manifest.put("read", result.read());
        manifest.put("labelled", result.labelled().size());
        manifest.put("refused", result.refused());
        manifest.put("unreadable", result.unreadable());
        manifest.put("labelled_by_length", byLength(result.labelled()));
        manifest.put("command_line", "streetnum " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
        manifest.put("created", Instant.now().toString());
        try {
            JSON.writeValue(out.resolve(MANIFEST).toFile(), manifest);
        } catch (IOException e) {
            throw new DataException("cannot write " + out.resolve(MANIFEST) + ": " + e.getMessage(), e);
        }
        String kept = soft ? "with the teacher's distributions" : String.format(Locale.ROOT, "at P(S|x) >= %.4f", t);
        spec.commandLine().getOut().printf(Locale.ROOT, "%d of %d photos labelled %s (%.1f%%), %d %s,"
                        + " %d unreadable: %s%n", result.labelled().size(), result.read(), kept,
                100.0 * result.labelled().size() / Math.max(1, result.read()), result.refused(),
                soft ? "read as no digits" : "refused", result.unreadable().size(), out.resolve(AnnotatedDataset.LABELS_FILE));
        return 0;
    }

    /** The folder's photos in name order. */
    static List<Path> photos(Path folder, Integer limit) {
        if (!Files.isDirectory(folder)) {
            throw new DataException("--images " + folder + " is not a folder");
        }
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> photos = files.filter(ImageDecoder::isImageFile).sorted().toList();
            if (photos.isEmpty()) {
                throw new DataException("no .png or .jpg photos in " + folder);
            }
            return limit == null ? photos : photos.subList(0, Math.min(limit, photos.size()));
        } catch (IOException e) {
            throw new DataException("cannot list " + folder + ": " + e.getMessage(), e);
        }
    }

    private static Map<Integer, Integer> byLength(List<AnnotatedImage> labelled) {
        Map<Integer, Integer> counts = new TreeMap<>();
        for (AnnotatedImage image : labelled) {
            counts.merge(image.length(), 1, Integer::sum);
        }
        return counts;
    }
}
