package dev.streetnum.data.command;

import dev.streetnum.data.AnnotatedImage;
import dev.streetnum.data.BoxJitter;
import dev.streetnum.data.Noun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code streetnum jitter-boxes}: a set's number boxes moved as another detector's might be. */
@Command(name = "jitter-boxes", mixinStandardHelpOptions = true,
        description = "Writes OUT/labels.csv with each photo of --data, its label unchanged and its number's box"
                + " (the union of its digit boxes) moved edge by edge: each edge by up to --amount of the box's"
                + " width or height, in or out, at random (seeded per photo), and a link to each photo. Read with"
                + " evaluate, it shows how the with-box path takes a detector's box that is not SVHN's annotation;"
                + " the mean IoU printed says how far the boxes moved.")
public final class JitterBoxesCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DerivedSetOptions set;

    @Option(names = "--amount", required = true, paramLabel = "SHARE",
            description = "The most an edge moves, as a share of the box's side, in [0, 1) (e.g. 0.1).")
    double amount;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "1",
            description = "Seed of the moves (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        BoxJitter jitter = new BoxJitter(amount, seed);
        LinkedSet linked = set.open("its labels would be replaced");
        List<AnnotatedImage> images = linked.set().images();
        List<AnnotatedImage> moved = new ArrayList<>(images.size());
        double iou = 0;
        for (int i = 0; i < images.size(); i++) {
            AnnotatedImage image = images.get(i);
            AnnotatedImage jittered = jitter.applyTo(image, i,
                    linked.link(image.file(), image.file().getFileName().toString()));
            iou += jittered.region().iou(image.region());
            moved.add(jittered);
        }
        Path labels = linked.write(moved);
        spec.commandLine().getErr().printf(Locale.ROOT, "%s of %s moved by up to %s of their sides (seed %d), mean IoU with"
                + " the CSV's %.3f -> %s%n", new Noun("box", "boxes").count(moved.size()), linked.data(), amount, seed,
                iou / Math.max(1, moved.size()), labels);
        return 0;
    }
}
