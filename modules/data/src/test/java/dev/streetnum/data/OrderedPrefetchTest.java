package dev.streetnum.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OrderedPrefetchTest {

    @Test
    void resultsComeBackInTaskOrderWithBoundedWorkInFlight() {
        ExecutorService pool = OrderedPrefetch.daemonPool("test", 3);
        try {
            AtomicInteger running = new AtomicInteger();
            AtomicInteger most = new AtomicInteger();
            OrderedPrefetch<Integer> tasks = new OrderedPrefetch<>(pool, 20, 2, i -> () -> {
                most.accumulateAndGet(running.incrementAndGet(), Math::max);
                Thread.sleep((20 - i) % 4); // later tasks may finish first
                running.decrementAndGet();
                return i * i;
            });
            List<Integer> results = new ArrayList<>();
            while (tasks.hasNext()) {
                results.add(tasks.next());
            }
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                expected.add(i * i);
            }
            assertEquals(expected, results);
            assertTrue(most.get() <= 2, "at most 2 in flight, saw " + most.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aTasksErrorSurfacesAsThrownAndCancelStops() {
        ExecutorService pool = OrderedPrefetch.daemonPool("test", 2);
        try {
            OrderedPrefetch<Integer> tasks = new OrderedPrefetch<>(pool, 5, 2, i -> () -> {
                if (i == 1) {
                    throw new DataException("image 1 is broken");
                }
                return i;
            });
            assertEquals(0, tasks.next());
            DataException e = assertThrows(DataException.class, tasks::next);
            assertEquals("image 1 is broken", e.getMessage());
            tasks.cancel();
            assertFalse(tasks.hasNext());
        } finally {
            pool.shutdownNow();
        }
    }
}
