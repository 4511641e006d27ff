package dev.streetnum.train;

import dev.streetnum.data.DataException;
import dev.streetnum.model.Localizer;
import dev.streetnum.model.ModelBundle;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code streetnum attach-localizer}: moves a trained localizer from one bundle onto another, without retraining. */
@Command(name = "attach-localizer", mixinStandardHelpOptions = true,
        description = "Copies the localizer of --from onto --bundle and writes the result to --out (atomically).")
public final class AttachLocalizerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--from", required = true, paramLabel = "BUNDLE", description = "A bundle holding a localizer.")
    Path from;

    @Option(names = "--bundle", required = true, paramLabel = "BUNDLE", description = "The bundle to attach it to (read only).")
    Path bundle;

    @Option(names = "--out", required = true, paramLabel = "BUNDLE", description = "Where the result is written (may equal --bundle).")
    Path out;

    @Override
    public Integer call() {
        Localizer localizer = ModelBundle.load(from).localizer()
                .orElseThrow(() -> new DataException(from + " holds no localizer (train one with train-localizer)"));
        ModelBundle.load(bundle).withLocalizer(localizer).save(out);
        spec.commandLine().getOut().println("localizer from " + from + " attached: " + out);
        return 0;
    }
}
