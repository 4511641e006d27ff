package dev.streetnum.data;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    private StopSignals() {
    }

    /**
     * Handles both signals until closed.
     *
     * @param onSignal called on the signal's own thread, each time one arrives, with the exit status a
     *                 shell gives a process ended by it (128 + its number: 143 for SIGTERM, 130 for SIGINT)
     */
    public static StopSignals handle(IntConsumer onSignal) {
        StopSignals signals = new StopSignals();
        for (String name : NAMES) {
            Signal signal = new Signal(name);
            signals.previous.put(signal, Signal.handle(signal, s -> onSignal.accept(128 + s.getNumber())));
        }
        return signals;
    }

    @Override
    public void close() {
        previous.forEach(Signal::handle);
    }
}
