package dev.streetnum.train;

import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.AnnotatedImage;
import dev.streetnum.data.RealPhotoSplit;
import dev.streetnum.model.ModelBundle;
import dev.streetnum.model.Transcriber;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code streetnum localize-boxes}: a train set's labels with the boxes the bundle reads when given none. */
@Command(name = "localize-boxes", mixinStandardHelpOptions = true,
        description = {"Writes a copy of a labelled train set whose boxes are the ones the bundle's localizer finds on"
                + " each whole photo (with several localizers, the box whose reading is most probable; labels kept):"
                + " training data that teaches the transcriber the boxes it reads when"
                + " a caller sends none. Refuses any photo the split file does not call train."})
public final class LocalizeBoxesCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "BUNDLE", description = "A bundle with a localizer.")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "DIR",
            description = "Labelled train photos: a folder with labels.csv (e.g. data/svhn-real/train).")
    Path data;

    @Option(names = "--split", paramLabel = "FILE", defaultValue = "datasets/svhn-real-split.csv",
            description = "The split file (file,split) (default: ${DEFAULT-VALUE}).")
    Path split;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the new labels.csv.")
    Path out;

    @Override
    public Integer call() {
        RealPhotoSplit splitFile = RealPhotoSplit.load(split);
        AnnotatedDataset train = AnnotatedDataset.load(data, false);
        ModelBundle bundle = ModelBundle.load(model);
        List<AnnotatedImage> boxed = PseudoLabeller.localizedBoxes(new Transcriber(bundle), train, splitFile,
                spec.commandLine().getErr());
        Path csv = out.resolve(AnnotatedDataset.LABELS_FILE);
        AnnotatedDataset.write(csv, boxed);
        spec.commandLine().getOut().println(boxed.size() + " photos of " + train.identity() + " with the boxes model "
                + bundle.metadata().modelId() + " reads them in when given none: " + csv);
        return 0;
    }
}
