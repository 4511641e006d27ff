package dev.streetnum.model;

import dev.streetnum.data.Noun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code streetnum split-ensemble}: each network of a joined bundle as a bundle of its own ({@link Ensemble#split}). */
@Command(name = "split-ensemble", mixinStandardHelpOptions = true,
        description = {"Writes each network a joined bundle (streetnum ensemble) reads with as a bundle of its own,"
                + " in the order model-info lists them, named by model id: the first with the bundle's localizers,"
                + " the others with none (attach-localizer gives them some). None has thresholds: calibrate each"
                + " with evaluate --write-threshold (and --no-box). To read with fewer networks (each one is a"
                + " forward pass per region), join those you keep again."})
public final class SplitEnsembleCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "BUNDLE", description = "A joined bundle.")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "The folder the bundles are written to (created if missing; each written atomically).")
    Path out;

    @Override
    public Integer call() throws Exception {
        List<ModelBundle> networks = Ensemble.split(ModelBundle.load(model));
        Files.createDirectories(out);
        Set<Path> written = new HashSet<>();
        for (int i = 0; i < networks.size(); i++) {
            ModelBundle network = networks.get(i);
            String id = network.metadata().modelId();
            Path file = out.resolve(id + ModelBundle.EXTENSION);
            if (!written.add(file)) { // two networks of one id: the later ones are numbered
                file = out.resolve(id + "-" + (i + 1) + ModelBundle.EXTENSION);
                written.add(file);
            }
            network.save(file);
            spec.commandLine().getOut().printf(Locale.ROOT, "network %d of %d: %s (preset %s, %s) -> %s%n", i + 1, networks.size(),
                    id, network.metadata().preset(), network.localizers().isEmpty() ? "no localizer"
                            : Noun.regular("localizer").count(network.localizers().size()), file);
        }
        spec.commandLine().getOut().println("none has thresholds yet: streetnum evaluate --model BUNDLE --data TEST"
                + " --val VAL --write-threshold --out REPORT, and again with --no-box");
        return 0;
    }
}
