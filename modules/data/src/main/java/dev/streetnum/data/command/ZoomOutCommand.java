package dev.streetnum.data.command;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;

import dev.streetnum.data.AnnotatedImage;
import dev.streetnum.data.DataException;
import dev.streetnum.data.ImageDecoder;
import dev.streetnum.data.Noun;
import dev.streetnum.data.ZoomOut;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bytedeco.opencv.opencv_core.Mat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code streetnum zoom-out}: a set's photos framed wider, as a user's photo taken from further away. */
@Command(name = "zoom-out", mixinStandardHelpOptions = true,
        description = "Writes OUT with each photo of --data placed at a random spot (seeded per photo) of a canvas"
                + " --factor times its width and height, the canvas filled by stretching the photo's edge pixels"
                + " outward, as PNG, and OUT/labels.csv with the boxes moved with it. Read with evaluate --no-box,"
                + " it shows how the localizers take a number that is a smaller share of its photo than in SVHN.")
public final class ZoomOutCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DerivedSetOptions set;

    @Option(names = "--factor", required = true, paramLabel = "K",
            description = "The canvas side over the photo's, in [1, 8] (e.g. 2: the number half as wide a share).")
    double factor;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "1",
            description = "Seed of the placements (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        ZoomOut zoom = new ZoomOut(factor, seed);
        LinkedSet written = set.open("its photos and labels would be replaced");
        List<AnnotatedImage> images = written.set().images();
        List<AnnotatedImage> placed = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            AnnotatedImage image = images.get(i);
            // PNG whatever the source was: a JPEG re-encoded would blur the photo a second time.
            String name = image.file().getFileName().toString().replaceFirst("\\.[^.]*$", "") + ".png";
            Path file = written.target().resolve(name);
            try (Mat photo = ImageDecoder.read(image.file())) {
                ZoomOut.Placement at = zoom.place(photo.cols(), photo.rows(), i);
                try (Mat canvas = ZoomOut.canvas(photo, at)) {
                    if (!imwrite(file.toString(), canvas)) {
                        throw new DataException("cannot write " + file);
                    }
                }
                placed.add(ZoomOut.shift(image, at, file));
            }
        }
        Path labels = written.write(placed);
        spec.commandLine().getErr().printf(Locale.ROOT, "%s of %s framed %s times wider (seed %d) -> %s%n",
                Noun.regular("photo").count(placed.size()), written.data(), factor, seed, labels);
        return 0;
    }
}
