package dev.streetnum.model;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code streetnum ensemble}: one bundle that reads as several do together ({@link Ensemble#join}). */
@Command(name = "ensemble", mixinStandardHelpOptions = true,
        description = {"Joins bundles into one that reads as they do together (an ensemble): every network reads"
                + " each region and the heads are averaged before the one decoding. serve, transcribe, evaluate and"
                + " batch read it as one model. The first --model leads (its preprocessing, its localizers); the"
                + " thresholds are not kept, so calibrate them on the ensemble with evaluate --write-threshold (and"
                + " --no-box). Each network is a forward pass per region read: at most "
                + ModelBundle.MAX_MEMBERS + " networks read a caller's box, and at most "
                + ModelBundle.MAX_NO_BOX_MEMBERS + " of them, the first, each box the localizers find"
                + " (--no-box-members); --box-members keeps the first networks off a caller's box."})
public final class EnsembleCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "BUNDLE",
            description = "A bundle to join; give two or more, all preprocessing alike (the first leads).")
    List<Path> models;

    @Option(names = "--out", required = true, paramLabel = "BUNDLE", description = "Where the ensemble is written (atomically).")
    Path out;

    @Option(names = "--no-box-members", paramLabel = "N",
            description = {"Only the first N networks read a photo sent without a box (each box the localizers find);"
                    + " the rest read only a box the caller gives. Default: every network, which is at most "
                    + ModelBundle.MAX_NO_BOX_MEMBERS + "."})
    Integer noBoxMembers;

    @Option(names = "--box-members", paramLabel = "N",
            description = {"Only the last N networks read a box the caller gives; the rest read only a photo sent"
                    + " without one (say a network trained on numbers cut short, for the localizer's boxes)."
                    + " With --no-box-members every network must read on one path or both. Default: every network."})
    Integer boxMembers;

    @Option(names = "--box-score", paramLabel = "SCORE", converter = EnsembleScore.Converter.class,
            description = {"How the answer to a caller's box is scored, the number its threshold judges: mean-heads,"
                    + " P(S|x) of the heads averaged over the networks; agreement, the geometric mean of each"
                    + " network's own P(S|x) of that answer (an answer one network doubts scores low). The answer"
                    + " itself is the same. Default: mean-heads."})
    EnsembleScore boxScore;

    @Option(names = "--no-box-score", paramLabel = "SCORE", converter = EnsembleScore.Converter.class,
            description = {"The same for a photo sent without a box: mean-heads or agreement (the box kept is the one"
                    + " the averaged heads read most surely either way). Default: mean-heads."})
    EnsembleScore noBoxScore;

    @Option(names = "--id", paramLabel = "ID",
            description = "The ensemble's model id (default: the first model's id + \"-ens\" + the count).")
    String id;

    @Override
    public Integer call() {
        List<ModelBundle> bundles = ModelBundle.loadAll(models);
        String modelId = id != null ? id : bundles.get(0).metadata().modelId() + "-ens" + bundles.size();
        ModelBundle joined = Ensemble.join(bundles, modelId, noBoxMembers, boxMembers, boxScore, noBoxScore);
        joined.save(out);
        spec.commandLine().getOut().println(bundles.size() + " networks joined into " + out + " (model id " + modelId
                + ": " + String.join(Ensemble.ID_SEPARATOR, Ensemble.memberIds(joined)) + "); "
                + joined.localizerSummary() + "; " + joined.readingPaths().describe()
                + ". It has no thresholds yet: streetnum evaluate --model " + out
                + " --data TEST --val VAL --write-threshold --out REPORT, and again with --no-box");
        return 0;
    }
}
