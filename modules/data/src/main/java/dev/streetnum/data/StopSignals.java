package dev.streetnum.data;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM (kill, a scheduler taking the machine back) and SIGINT (Ctrl-C) handed to a long job instead
 * of ending the JVM at once, so that it can stop cleanly: the service answers the requests in flight, a
 * training saves a checkpoint. While open, each such signal calls the job's handler; closing restores
 * the handlers there were before.
 */
public final class StopSignals implements AutoCloseable {

    private static final List<String> NAMES = List.of("TERM", "INT");

    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
    private final AtomicInteger status = new AtomicInteger();

    private StopSignals() {
    }

    /**
     * Handles both signals until closed.
     *
     * @param onSignal called on the signal's own thread, each time one arrives, with the exit status a
     *                 shell gives a process ended by it (128 + its number: 143 for SIGTERM, 130 for SIGINT)
     */
    public static StopSignals handle(IntConsumer onSignal) {
        return new StopSignals().install(onSignal);
    }

    /**
     * For a job that stops at its next safe point when asked ({@link #stopRequested}): the first signal
     * asks and prints {@code whatHappens} to {@code err}; a second one ends the process at once, with the
     * signal's status.
     */
    public static StopSignals askingToStop(PrintWriter err, String whatHappens) {
        StopSignals signals = new StopSignals();
        return signals.install(status -> {
            if (!signals.status.compareAndSet(0, status)) {
                System.exit(status);
            }
            err.println(whatHappens + " (again to quit at once)");
            err.flush();
        });
    }

    private StopSignals install(IntConsumer onSignal) {
        for (String name : NAMES) {
            Signal signal = new Signal(name);
            previous.put(signal, Signal.handle(signal, s -> onSignal.accept(128 + s.getNumber())));
        }
        return this;
    }

    /** Whether a signal has asked an {@link #askingToStop} job to stop. */
    public boolean stopRequested() {
        return status.get() != 0;
    }

    /** The exit status the first signal would have ended the process with (130, 143); 0 before one came. */
    public int status() {
        return status.get();
    }

    @Override
    public void close() {
        previous.forEach(Signal::handle);
    }
}
