package dev.streetnum.cli;

import dev.streetnum.data.DataException;
import dev.streetnum.data.StreetnumVersion;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code streetnum} launcher: one root command, one subcommand per job. */
@Command(name = "streetnum",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Reads multi-digit street numbers off photos (Goodfellow et al. 2013).",
        subcommands = {
                CommandLine.HelpCommand.class,
                dev.streetnum.model.ModelInfoCommand.class,
                dev.streetnum.model.GradcheckCommand.class,
        })
public final class Main implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(System.out);
        return 0;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by {@link #main} and tests. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(Main::reportError);
        return cli;
    }

    /** Bad input is the user's to fix: say what is wrong in one line, no stack trace. */
    private static int reportError(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        if (e instanceof DataException || e instanceof IllegalArgumentException) {
            cli.getErr().println("error: " + e.getMessage());
            return 2;
        }
        cli.getErr().println("error: " + e);
        e.printStackTrace(cli.getErr());
        return 1;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"streetnum " + StreetnumVersion.VERSION};
        }
    }
}
