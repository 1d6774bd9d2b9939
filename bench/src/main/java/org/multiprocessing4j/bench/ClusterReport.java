package org.multiprocessing4j.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.multiprocessing4j.Multiprocessing;
import org.multiprocessing4j.Pool;
import org.multiprocessing4j.cluster.ClusterPool;
import org.multiprocessing4j.cluster.testing.LocalCluster;

/**
 * The cluster pool beside the local pool, on this machine: two nodes of one worker each on
 * 127.0.0.1 against {@code new Pool(2)}, with the same workloads as the CPython rows (per-task
 * overhead, {@code apply_async} of small tasks, {@code map} of a trivial function over 2 million
 * items, batched as Python batches), and the time a three-node cluster takes to notice a member's
 * SIGKILL and to run its tasks again. Writes {@value #TABLE}.
 *
 * <p>Run from the repository root: {@code java --enable-native-access=ALL-UNNAMED -cp
 * bench/target/benchmarks.jar org.multiprocessing4j.bench.ClusterReport}.
 */
public final class ClusterReport {
    static final String TABLE = "docs/bench/cluster.md";
    private static final int MAP_ITEMS = 2_000_000;
    private static final int APPLY_TASKS = 20_000;
    private static final int ROUND_TRIPS = 1_000;
    private static final int LOSS_ITEMS = 60;
    private static final int LOSS_CHUNKSIZE = 2;
    private static final long LOSS_ITEM_MILLIS = 100;

    private final List<String> rows = new ArrayList<>();

    private ClusterReport() {}

    public static void main(String[] args) throws Exception {
        ClusterReport report = new ClusterReport();
        report.sideBySide();
        report.memberLoss();
        String table = "# Cluster pool beside the local pool\n\n" + "Measured " + LocalDate.now() + " on "
                + Multiprocessing.cpuCount() + " cores, every node on this machine (127.0.0.1): the figures are"
                + " the cluster's overhead, not its reach. The last column is what the cluster costs, in times"
                + " the local pool's cost (time per task or item).\n\n| workload | cluster | local Pool | unit | cluster's cost |\n"
                + "|---|---:|---:|---|---:|\n" + String.join("\n", report.rows) + "\n";
        Files.writeString(Path.of(TABLE), table, StandardCharsets.UTF_8);
        System.out.println(table);
    }

    private void sideBySide() throws Exception {
        long start = System.nanoTime();
        try (LocalCluster cluster = LocalCluster.start(2, 1, builder -> builder)) {
            double clusterUp = millisSince(start);
            start = System.nanoTime();
            try (ClusterPool remote = ClusterPool.connect(cluster.config()); Pool local = new Pool(2)) {
                remote.apply(() -> 1);
                double firstRemote = millisSince(start);
                row("first result (connect, or new Pool(2))", firstRemote, PoolWorkloads.firstResultMillis(), "ms");
                rows.add(String.format(Locale.ROOT, "| two nodes up, from nothing | %.0f | | ms | |", clusterUp));
                local.apply(() -> 1);
                row("apply round trip (cold)", roundTripMicros(remote, 200), PoolWorkloads.applyRoundTripMicros(local, 200), "us");
                row("apply round trip (warm)", roundTripMicros(remote, ROUND_TRIPS),
                        PoolWorkloads.applyRoundTripMicros(local, ROUND_TRIPS), "us");
                row("apply_async 20k small tasks", applyAsyncPerSecond(remote, APPLY_TASKS) / 1e3,
                        PoolWorkloads.applyAsyncPerSecond(local, APPLY_TASKS) / 1e3, "k/s");
                row("apply_async 20k small tasks (warm)", applyAsyncPerSecond(remote, APPLY_TASKS) / 1e3,
                        PoolWorkloads.applyAsyncPerSecond(local, APPLY_TASKS) / 1e3, "k/s");
                row("map 2M trivial items", mapPerSecond(remote) / 1e3, mapPerSecond(local) / 1e3, "k/s");
                row("map 2M trivial items (warm)", mapPerSecond(remote) / 1e3, mapPerSecond(local) / 1e3, "k/s");
            }
        }
    }

    /**
     * A map of {@value #LOSS_ITEMS} items of {@value #LOSS_ITEM_MILLIS} ms, in chunks of
     * {@value #LOSS_CHUNKSIZE}, over three nodes: once whole, and once with a node killed a third of
     * the way through, whose chunks (the one it ran and the one it held) run again elsewhere.
     */
    private void memberLoss() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(3, 1, builder -> builder);
                ClusterPool pool = ClusterPool.connect(cluster.config())) {
            List<Integer> items = IntStream.range(0, LOSS_ITEMS).boxed().toList();
            pool.map(ClusterReport::slowSquare, items.subList(0, 12), 1); // every node's worker warm
            long start = System.nanoTime();
            pool.map(ClusterReport::slowSquare, items, LOSS_CHUNKSIZE);
            double whole = millisSince(start);

            start = System.nanoTime();
            CompletableFuture<List<Integer>> squares = pool.mapAsync(ClusterReport::slowSquare, items, LOSS_CHUNKSIZE);
            Thread.sleep((long) (whole / 3));
            cluster.node(1).kill();
            long killed = System.nanoTime();
            while (pool.workers() == 3) {
                Thread.onSpinWait();
            }
            double detected = millisSince(killed);
            if (!squares.get().equals(items.stream().map(x -> x * x).toList())) {
                throw new IllegalStateException("wrong results after the loss");
            }
            double withLoss = millisSince(start);
            rows.add(String.format(Locale.ROOT, "| member SIGKILL noticed by the client | %.0f | | ms | |", detected));
            rows.add(String.format(Locale.ROOT, "| map of %d x %d ms in chunks of %d on 3 nodes, whole | %.0f | | ms | |",
                    LOSS_ITEMS, LOSS_ITEM_MILLIS, LOSS_CHUNKSIZE, whole));
            rows.add(String.format(Locale.ROOT, "| the same, a node killed a third through | %.0f | | ms | |", withLoss));
        }
    }

    private static int slowSquare(int x) throws InterruptedException {
        Thread.sleep(LOSS_ITEM_MILLIS);
        return x * x;
    }

    private void row(String workload, double cluster, double local, String unit) {
        double cost = unit.endsWith("/s") ? local / cluster : cluster / local;
        String line = String.format(Locale.ROOT, "| %s | %.1f | %.1f | %s | %.2fx |", workload, cluster, local, unit, cost);
        rows.add(line);
        System.out.println(line);
    }

    private static double roundTripMicros(ClusterPool pool, int n) {
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            int x = i;
            pool.apply(() -> PoolWorkloads.square(x));
        }
        return (System.nanoTime() - start) / 1e3 / n;
    }

    private static double applyAsyncPerSecond(ClusterPool pool, int n) throws Exception {
        long start = System.nanoTime();
        List<CompletableFuture<Integer>> results = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int x = i;
            results.add(pool.applyAsync(() -> PoolWorkloads.square(x)));
        }
        for (CompletableFuture<Integer> result : results) {
            result.get();
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }

    private static double mapPerSecond(org.multiprocessing4j.AbstractPool pool) {
        List<Integer> items = IntStream.range(0, MAP_ITEMS).boxed().toList();
        long start = System.nanoTime();
        List<Integer> squares = pool.map(PoolWorkloads::square, items);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (squares.get(MAP_ITEMS - 1) != PoolWorkloads.square(MAP_ITEMS - 1)) {
            throw new IllegalStateException("wrong result");
        }
        return MAP_ITEMS / seconds;
    }

    private static double millisSince(long start) {
        return (System.nanoTime() - start) / 1e6;
    }
}
