package dev.streetnum.data.command;

import dev.streetnum.data.AnnotatedImage;
import dev.streetnum.data.DataException;
import dev.streetnum.data.Noun;
import dev.streetnum.data.NumberCut;
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

/** {@code streetnum cut-numbers}: every number of a set cut short, each labelled with the whole number. */
@Command(name = "cut-numbers", mixinStandardHelpOptions = true,
        description = "Writes OUT/labels.csv with every cut of each number of --data annotated digit by digit "
                + "(1 to n-1 digits dropped from its start or its end), the cut as the box and the whole number "
                + "as the label, and a link to the photo per cut (PHOTO.cut-first-1.png, ...). Read with evaluate "
                + "--boxes-as-found, the share a model answers at its no-box threshold is how often its no-box path "
                + "would answer a box that cuts the number, right only when it reads the whole number; compare-cuts "
                + "compares two models so (models/README.md, R47, R48).")
public final class CutNumbersCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DerivedSetOptions set;

    @Override
    public Integer call() {
        LinkedSet linked = set.open("the cuts would join its labels");
        List<AnnotatedImage> cuts = new ArrayList<>();
        int cuttable = 0;
        for (AnnotatedImage image : linked.set().images()) {
            if (!NumberCut.cuttable(image)) {
                continue;
            }
            cuttable++;
            String name = image.file().getFileName().toString();
            for (NumberCut cut : NumberCut.all(image.length())) {
                cuts.add(cut.applyTo(image, linked.link(image.file(), cut.fileName(name))));
            }
        }
        if (cuts.isEmpty()) {
            throw new DataException(linked.data() + " has no number of two or more digits annotated digit by digit"
                    + " to cut");
        }
        Path labels = linked.write(cuts);
        spec.commandLine().getErr().printf(Locale.ROOT, "%s of %s (of %d in %s) -> %s%n",
                Noun.regular("cut").count(cuts.size()), Noun.regular("number").count(cuttable), linked.set().size(),
                linked.data(), labels);
        return 0;
    }
}
