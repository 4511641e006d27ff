package dev.streetnum.data;

import java.util.ArrayDeque;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Tasks 0..count-1 run on a pool, at most {@code ahead} in flight, their results handed back in task
 * order: the loop the crop cache, the synthetic data set writer and the minibatch iterator share.
 * Not thread-safe: one consumer.
 *
 * @param <T> a task's result
 */
final class OrderedPrefetch<T> {

    private final ExecutorService pool;
    private final int count;
    private final int ahead;
    private final IntFunction<Callable<T>> task;
    private final ArrayDeque<Future<T>> pending = new ArrayDeque<>();
    private int submitted;

    /**
     * @param pool  runs the tasks (not owned: the caller shuts it down)
     * @param ahead tasks in flight at most, at least 1
     * @param task  the work of task {@code i}, made on the consumer's thread when it is submitted
     */
    OrderedPrefetch(ExecutorService pool, int count, int ahead, IntFunction<Callable<T>> task) {
        if (ahead < 1) {
            throw new IllegalArgumentException("a prefetch needs at least one task in flight, got " + ahead);
        }
        this.pool = pool;
        this.count = count;
        this.ahead = ahead;
        this.task = task;
        fill();
    }

    boolean hasNext() {
        return !pending.isEmpty();
    }

    /** The next task's result, waiting for it; a task's {@link RuntimeException} surfaces as it was thrown. */
    T next() {
        if (pending.isEmpty()) {
            throw new NoSuchElementException("all " + count + " tasks were taken");
        }
        T result = await(pending.poll());
        fill();
        return result;
    }

    /** Drops the tasks not yet taken. Never interrupts: an interrupted read closes a shared FileChannel. */
    void cancel() {
        for (Future<T> f : pending) {
            f.cancel(false);
        }
        pending.clear();
        submitted = count;
    }

    private void fill() {
        while (pending.size() < ahead && submitted < count) {
            pending.add(pool.submit(task.apply(submitted++)));
        }
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a worker", e);
        } catch (CancellationException e) {
            throw new IllegalStateException("a worker's task was cancelled", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** A pool of daemon threads named {@code name-1}, {@code name-2}, ...: they never keep the JVM up. */
    static ExecutorService daemonPool(String name, int threads) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        return Executors.newFixedThreadPool(threads, factory);
    }
}
