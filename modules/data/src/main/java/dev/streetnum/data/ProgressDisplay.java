package dev.streetnum.data;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The one way long work shows progress (count, rate, ETA) on stderr. On a terminal: a bar redrawn in
 * place. Otherwise (a log file, {@code nohup}, CI) a carriage-return frame per update would fill the
 * log, so it prints a plain line every {@value #LOG_LINE_SECONDS} seconds and one at the end.
 */
public final class ProgressDisplay {

    /** Seconds between plain lines when stderr is not a terminal: a 10-minute run logs about 120. */
    public static final int LOG_LINE_SECONDS = 5;
    /** Plain lines are not cut to a terminal's width. */
    private static final int LOG_LINE_WIDTH = 160;

    private ProgressDisplay() {
    }

    /** A started progress display of {@code max} steps; {@code unit} like " img", or null for plain counts. */
    public static ProgressBar start(String task, long max, String unit) {
        return builder(task, max, unit).build();
    }

    /** The configured builder, for callers that add to it (e.g. resuming from a step count). */
    public static ProgressBarBuilder builder(String task, long max, String unit) {
        // The JVM has a console only when both stdin and stdout are terminals: "is a person watching".
        return builder(task, max, unit, System.err, System.console() != null);
    }

    static ProgressBarBuilder builder(String task, long max, String unit, PrintStream err, boolean terminal) {
        ProgressBarBuilder b = new ProgressBarBuilder().setTaskName(task).setInitialMax(max)
                .setStyle(ProgressBarStyle.ASCII).showSpeed();
        if (unit != null) {
            b.setUnit(unit, 1);
        }
        if (terminal) {
            return b.setConsumer(new ConsoleProgressBarConsumer(err));
        }
        return b.setUpdateIntervalMillis(LOG_LINE_SECONDS * 1000).setConsumer(new PlainLines(err));
    }

    /** Each update as its own line, never a carriage return. */
    private static final class PlainLines implements ProgressBarConsumer {
        private final PrintStream out;
        private String last = "";

        PlainLines(PrintStream out) {
            this.out = out;
        }

        @Override
        public int getMaxRenderedLength() {
            return LOG_LINE_WIDTH;
        }

        @Override
        public synchronized void accept(String rendered) {
            String line = rendered.replace("\r", "").strip();
            if (!line.isEmpty() && !line.equals(last)) { // nothing moved: say nothing
                out.println(line);
                last = line;
            }
        }

        @Override
        public void close() {
            out.flush();
        }
    }
}
