package dev.streetnum.cli;

import dev.streetnum.data.StreetnumVersion;
import dev.streetnum.data.command.CommandErrors;
import dev.streetnum.model.fast.CpuAcceleration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/** The {@code streetnum} launcher: one root command, one subcommand per job. */
@Command(name = "streetnum",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Reads multi-digit street numbers off photos (Goodfellow et al. 2013).",
        subcommands = {
                CommandLine.HelpCommand.class,
                dev.streetnum.data.command.GenerateCommand.class,
                dev.streetnum.data.command.RecomposeCommand.class,
                dev.streetnum.data.command.ImportSvhnCommand.class,
                dev.streetnum.data.command.CheckLabelsCommand.class,
                dev.streetnum.data.command.CutNumbersCommand.class,
                dev.streetnum.data.command.JitterBoxesCommand.class,
                dev.streetnum.data.command.ZoomOutCommand.class,
                dev.streetnum.data.command.BenchPipelineCommand.class,
                dev.streetnum.eval.EvaluateCommand.class,
                dev.streetnum.eval.CompareCommand.class,
                dev.streetnum.eval.CompareCutsCommand.class,
                dev.streetnum.train.TrainCommand.class,
                dev.streetnum.train.TrainLocalizerCommand.class,
                dev.streetnum.train.AttachLocalizerCommand.class,
                dev.streetnum.train.LocalizeBoxesCommand.class,
                dev.streetnum.train.PseudoLabelCommand.class,
                dev.streetnum.serve.ServeCommand.class,
                dev.streetnum.serve.TranscribeCommand.class,
                dev.streetnum.serve.BenchServeCommand.class,
                dev.streetnum.train.bench.BenchCommand.class,
                dev.streetnum.onnx.ModelInfoCommand.class,
                dev.streetnum.model.AverageWeightsCommand.class,
                dev.streetnum.model.EnsembleCommand.class,
                dev.streetnum.model.SplitEnsembleCommand.class,
                dev.streetnum.model.GradcheckCommand.class,
                dev.streetnum.onnx.ExportOnnxCommand.class,
                dev.streetnum.onnx.QuantizeCommand.class,
                SparkBatchEntry.class,
        })
public final class Main implements Callable<Integer> {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Main.class);

    @CommandLine.Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(System.out);
        return 0;
    }

    public static void main(String[] args) {
        System.exit(execute(commandLine(), args, CpuAcceleration::enable));
    }

    /**
     * Runs {@code args} and returns the exit code: 0 done, 1 an unexpected failure (logged with its
     * stack trace), 2 bad input or usage (one line naming the problem).
     *
     * @param accelerate switches the oneDNN layer helpers on. DL4J picks a layer's helper when the
     *                   layer is created, so it runs before any command builds or loads a network;
     *                   help and version output need no native library, so it does not run for them.
     */
    static int execute(CommandLine cli, String[] args, Runnable accelerate) {
        cli.setExecutionStrategy(parsed -> {
            if (!helpOnly(parsed)) {
                accelerate.run();
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        return cli.execute(args);
    }

    private static boolean helpOnly(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            // SparkBatchEntry only says where the batch job starts.
            if (p.isUsageHelpRequested() || p.isVersionHelpRequested()
                    || p.commandSpec().userObject() instanceof CommandLine.HelpCommand
                    || p.commandSpec().userObject() instanceof SparkBatchEntry) {
                return true;
            }
        }
        return parsed.subcommand() == null;
    }

    /** The configured command line, shared by {@link #main} and tests. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(Main::reportError);
        // --preset cpu and --preset CPU both work.
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return cli;
    }

    /** Bad input is the user's to fix: {@link CommandErrors}, the rule {@code streetnum batch} applies too. */
    private static int reportError(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        return CommandErrors.report(e, cli,
                parsed.subcommand() == null ? "streetnum" : parsed.subcommand().commandSpec().name(), LOG);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"streetnum " + StreetnumVersion.VERSION};
        }
    }
}
