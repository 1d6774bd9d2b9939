package org.multiprocessing4j.bench;

import java.util.Map;
import org.multiprocessing4j.Manager;
import org.multiprocessing4j.Process;

/** The manager workload of bench/python/python_mp_bench.py in Java. */
final class ManagerWorkloads {
    private ManagerWorkloads() {}

    /**
     * Microseconds per operation of {@code n} puts and {@code n} gets on a manager's dict from a
     * child, the child's start and join included, as CPython's manager_dict_roundtrip measures;
     * {@code warmUp} more of each first, in another child, for the warm figure (0 for cold).
     */
    static double dictRoundTripMicros(Manager manager, int n, int warmUp) throws InterruptedException {
        Map<Integer, Integer> d = manager.dict();
        if (warmUp > 0) {
            runClient(d, warmUp);
        }
        long start = System.nanoTime();
        runClient(d, n);
        return (System.nanoTime() - start) / 1e3 / (2.0 * n);
    }

    private static void runClient(Map<Integer, Integer> d, int n) throws InterruptedException {
        Process client = new Process(() -> {
            for (int i = 0; i < n; i++) {
                d.put(i % 100, i);
                d.get(i % 100);
            }
        });
        client.start();
        client.join();
    }

    /** Microseconds per put or get made by this process on a dict, after {@code warmUp} of each: no child start. */
    static double dictOpMicrosInProcess(Manager manager, int n, int warmUp) {
        Map<Integer, Integer> d = manager.dict();
        for (int i = 0; i < warmUp; i++) {
            d.put(i % 100, i);
            d.get(i % 100);
        }
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            d.put(i % 100, i);
            d.get(i % 100);
        }
        return (System.nanoTime() - start) / 1e3 / (2.0 * n);
    }
}
