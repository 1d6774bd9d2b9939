package org.multiprocessing4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.IntStream;
import org.multiprocessing4j.Context;
import org.multiprocessing4j.Pool;

/** The pool workloads of bench/python/python_mp_bench.py in Java, and the pool's costs the issue asks for. */
final class PoolWorkloads {
    private PoolWorkloads() {}

    static int square(int x) {
        return x * x;
    }

    /** Items per second of {@code map(square, range(n))}, after a map of 1000 items, as CPython's pool_map measures. */
    static double mapItemsPerSecond(Pool pool, int n) {
        pool.map(PoolWorkloads::square, IntStream.range(0, 1000).boxed().toList());
        List<Integer> items = IntStream.range(0, n).boxed().toList();
        long start = System.nanoTime();
        List<Integer> squares = pool.map(PoolWorkloads::square, items);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (squares.get(n - 1) != square(n - 1)) {
            throw new IllegalStateException("wrong result " + squares.get(n - 1));
        }
        return n / seconds;
    }

    /** Tasks per second of {@code n} applyAsync calls and their results, as CPython's pool_apply_async measures. */
    static double applyAsyncPerSecond(Pool pool, int n) throws InterruptedException, ExecutionException {
        long start = System.nanoTime();
        List<CompletableFuture<Integer>> results = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int x = i;
            results.add(pool.applyAsync(() -> square(x)));
        }
        int last = 0;
        for (CompletableFuture<Integer> result : results) {
            last = result.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (last != square(n - 1)) {
            throw new IllegalStateException("wrong result " + last);
        }
        return n / seconds;
    }

    /** Microseconds from apply to its result, one task at a time: what one task costs beyond its work. */
    static double applyRoundTripMicros(Pool pool, int n) {
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            int x = i;
            pool.apply(() -> square(x));
        }
        return (System.nanoTime() - start) / 1e3 / n;
    }

    /** Milliseconds from {@code new Pool(2)} to the result of its first task. */
    static double firstResultMillis() {
        long start = System.nanoTime();
        try (Pool pool = new Pool(2)) {
            pool.apply(() -> square(3));
            double millis = (System.nanoTime() - start) / 1e6;
            pool.terminate();
            return millis;
        }
    }

    /**
     * {@link #firstResultMillis()} of a pool of {@code context}'s, made once {@code pause} has let
     * the context's spares (for PRESPAWN) boot, which is not timed.
     */
    static double firstResultMillis(Context context, Duration pause) throws InterruptedException {
        Thread.sleep(pause);
        long start = System.nanoTime();
        try (Pool pool = context.newPool(2)) {
            pool.apply(() -> square(3));
            double millis = (System.nanoTime() - start) / 1e6;
            pool.terminate();
            return millis;
        }
    }

    /** The resident memory of an idle worker, in MiB. */
    static double idleWorkerMebibytes(Pool pool) throws IOException, InterruptedException {
        long pid = pool.apply(() -> ProcessHandle.current().pid());
        Thread.sleep(1_000);
        return rssKibibytes(pid) / 1024.0;
    }

    static long rssKibibytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS for " + pid);
    }
}
