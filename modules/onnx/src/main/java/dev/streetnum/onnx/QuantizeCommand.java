package dev.streetnum.onnx;

import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.AnnotatedImage;
import dev.streetnum.data.Noun;
import dev.streetnum.data.ProgressDisplay;
import dev.streetnum.model.ModelBundle;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import onnx.Onnx;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code streetnum quantize}: an int8 model calibrated on training photos, stored in the bundle. */
@Command(name = "quantize", mixinStandardHelpOptions = true,
        description = {"Makes the bundle's int8 network (ONNX QDQ: weights int8 per output channel, activations uint8"
                + " per tensor from calibration percentiles) and stores it inside the bundle as " + Int8Quantizer.BUNDLE_ENTRY
                + "; an ensemble gets one per network, all calibrated on the same photos; --engine onnx-int8 runs them.",
                "Calibrate on TRAINING photos only; then calibrate its own threshold with"
                        + " evaluate --engine onnx-int8 --val VAL_DIR --write-threshold."})
public final class QuantizeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "BUNDLE", description = "The model bundle.")
    Path model;

    @Option(names = "--calibration", required = true, paramLabel = "DIR",
            description = "Calibration photos: a folder with labels.csv (training photos, e.g. the real train split).")
    Path calibration;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "1000",
            description = "Use at most the first N calibration images (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--percentile", paramLabel = "P", defaultValue = "99.99",
            description = "Percentile of each activation's calibration values that sets its range (default: ${DEFAULT-VALUE}).")
    double percentile;

    @Option(names = "--out", paramLabel = "BUNDLE",
            description = "Write the bundle with its int8 network here (default: replace --model).")
    Path out;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "64", description = "Images per pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Override
    public Integer call() throws Exception {
        if (limit < 1 || batchSize < 1) {
            throw new IllegalArgumentException("--limit and --batch-size must be positive");
        }
        Int8Quantizer quantizer = new Int8Quantizer(percentile);
        ModelBundle bundle = ModelBundle.load(model);
        AnnotatedDataset data = AnnotatedDataset.load(calibration, false);
        List<AnnotatedImage> images = data.images().subList(0, Math.min(limit, data.size()));
        List<ModelBundle> members = bundle.members();
        PrintWriter stdout = spec.commandLine().getOut();
        ModelBundle quantized = bundle;
        for (int m = 0; m < members.size(); m++) {
            ModelBundle network = members.get(m);
            Onnx.ModelProto int8;
            String task = members.size() == 1 ? "calibrate" : "calibrate " + (m + 1) + "/" + members.size();
            try (ProgressBar bar = ProgressDisplay.start(task, images.size(), " img")) {
                int8 = quantizer.quantize(network, batches(images, bundle), images.size(),
                        data.identity() + " (first " + images.size() + " images)", bar::stepBy);
            }
            quantized = Int8Quantizer.attach(quantized, m, int8);
            Path scratch = Files.createTempDirectory("streetnum-quantize");
            try {
                stdout.println("ONNX Runtime runs " + OnnxMetadata.modelId(int8) + ": "
                        + Int8Quantizer.operatorCounts(OnnxEngine.optimizedOperators(int8, scratch)));
            } finally {
                Files.deleteIfExists(scratch);
            }
        }
        Path target = out == null ? model : out;
        quantized.save(target);
        stdout.printf(Locale.ROOT, "%s of %s (calibrated on %d images of %s, percentile %s) stored in %s%n",
                Noun.regular("int8 network").count(members.size()), bundle.metadata().modelId(), images.size(),
                calibration, percentile, target);
        stdout.println("next: calibrate its threshold on validation photos:  streetnum evaluate --model " + target
                + " --engine onnx-int8 --data TEST_DIR --val VAL_DIR --out REPORT_DIR --write-threshold");
        return 0;
    }

    private Iterator<INDArray> batches(List<AnnotatedImage> images, ModelBundle bundle) {
        return new Iterator<>() {
            int next;

            @Override
            public boolean hasNext() {
                return next < images.size();
            }

            @Override
            public INDArray next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                List<AnnotatedImage> batch = images.subList(next, Math.min(images.size(), next + batchSize));
                next += batch.size();
                return CentreCrops.of(batch, bundle.metadata().preprocess());
            }
        };
    }
}
