package org.multiprocessing4j.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import org.multiprocessing4j.Manager;
import org.multiprocessing4j.Multiprocessing;
import org.multiprocessing4j.Pool;
import org.multiprocessing4j.StartMethod;
import org.multiprocessing4j.Value;

/**
 * Each workload in Java, then the same workload in CPython from bench/python/python_mp_bench.py,
 * in the same sitting, with the ratio: this machine is noisy, and only ratios compare across runs.
 *
 * <p>Run from the repository root: {@code java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar
 * org.multiprocessing4j.bench.SideBySide [runs [group]]}, where group is one of {@code lock}, {@code queue},
 * {@code pipe}, {@code large}, {@code pool}, {@code manager}, {@code shm} and {@code start} and runs only those rows. The Python script is
 * {@code bench/python/python_mp_bench.py}, or {@code -Dmp4j.python.bench=<path>}; the steady-state CPython figures
 * come from {@code python_mp_warm.py} beside it, the other primitives' from {@code python_mp_primitives.py}. {@link Report} runs every row and writes them as a table and a chart.
 */
public final class SideBySide {
    /** One workload's figures: Java's, CPython's, in {@code unit}; {@code ratio} is how many times better Java does. */
    record Row(String workload, double java, double cpython, String unit, boolean higherIsBetter) {
        double ratio() {
            return higherIsBetter ? java / cpython : cpython / java;
        }
    }

    private static final List<Row> ROWS = new java.util.ArrayList<>();

    private SideBySide() {}

    /** The rows printed so far, in order. */
    static List<Row> rows() {
        return List.copyOf(ROWS);
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        String group = args.length > 1 ? args[1] : "";
        Path script = Path.of(System.getProperty("mp4j.python.bench", "bench/python/python_mp_bench.py"));
        if (!Files.exists(script)) {
            throw new IllegalStateException("no CPython benchmark at " + script.toAbsolutePath());
        }
        System.out.printf(Locale.ROOT, "%-28s %12s %12s %8s%n", "workload", "java", "cpython", "ratio");

        if (selected(group, "lock")) {
            lockRows(script);
        }
        if (selected(group, "queue")) {
            double queuePython = python(script, "queue_throughput(200_000) / 1e3");
            row("queue_1to1_small", Workloads.queueThroughput(2_000_000, 0) / 1e3, queuePython, "k/s", true);
            row("queue_1to1_small (warm)", Workloads.queueThroughput(2_000_000, 1_000_000) / 1e3, queuePython,
                    "k/s", true);
        }
        if (selected(group, "pipe")) {
            double pipePython = python(script, "pipe_roundtrip(20_000) * 1e6");
            row("pipe_roundtrip", Workloads.pipeRoundTripMicros(20_000, 0), pipePython, "us", false);
            row("pipe_roundtrip (warm)", Workloads.pipeRoundTripMicros(20_000, 100_000), pipePython, "us", false);
        }
        if (selected(group, "large")) {
            largeRows(script, "queue_1mib", 1 << 20, 200, false);
            largeRows(script, "pipe_64mib", 64 << 20, 8, true);
        }
        if (selected(group, "pool")) {
            poolRows(script);
        }
        if (selected(group, "manager")) {
            double python = python(script, "manager_dict_roundtrip(20_000) * 1e6");
            try (Manager manager = Manager.start()) {
                row("manager_dict_op (child)", ManagerWorkloads.dictRoundTripMicros(manager, 20_000, 0), python, "us", false);
                row("manager_dict_op (child, warm)", ManagerWorkloads.dictRoundTripMicros(manager, 20_000, 100_000), python,
                        "us", false);
                row("manager_dict_op (this process, warm)", ManagerWorkloads.dictOpMicrosInProcess(manager, 20_000, 100_000),
                        python, "us", false);
            }
            OptionalDouble userStyle = UserStyle.measure(UserStyle.Workload.MANAGER_DICT_OP, 20_000);
            if (userStyle.isPresent()) {
                row("manager_dict_op (child, user's class path)", userStyle.getAsDouble(), python, "us", false);
            }
        }
        if (selected(group, "shm")) {
            sharedMemoryRows();
        }
        if (selected(group, "start")) {
            double java = Workloads.startJoinMillis(runs);
            double spawn = python(script, "start_join('spawn', " + runs + ") * 1e3");
            double fork = python(script, "start_join('fork', " + runs + ") * 1e3");
            double forkserver = python(script, "start_join('forkserver', " + runs + ") * 1e3");
            double bareJvm = Workloads.bareJvmMillis(runs);
            row("process_start_join (spawn)", java, spawn, "ms", false);
            row("process_start_join (fork)", java, fork, "ms", false);
            OptionalDouble userStyle = UserStyle.measure(UserStyle.Workload.START_JOIN, runs);
            if (userStyle.isPresent()) {
                row("process_start_join (spawn, user's class path)", userStyle.getAsDouble(), spawn, "ms", false);
            }
            row("bare JVM, empty main (floor)", bareJvm, spawn, "ms", false);
            double prespawn = Workloads.prespawnStartJoinMillis(Math.max(1, runs / 2), SPARE_WARM_UP);
            row("prespawn (ready spare)", prespawn, fork, "ms", false);
            row("prespawn vs forkserver", prespawn, forkserver, "ms", false);
            row("prespawn (back to back)", Workloads.prespawnBackToBackMillis(runs), forkserver, "ms", false);
            double spawnWithValue = python(script, "start_join_with_value('spawn', " + runs + ") * 1e3");
            double forkWithValue = python(script, "start_join_with_value('fork', " + runs + ") * 1e3");
            row("start_join, target sets a Value (spawn)", Workloads.startJoinWithValueMillis(runs), spawnWithValue, "ms",
                    false);
            OptionalDouble userStyleWithValue = UserStyle.measure(UserStyle.Workload.START_JOIN_VALUE, runs);
            if (userStyleWithValue.isPresent()) {
                row("start_join, target sets a Value (spawn, user's class path)", userStyleWithValue.getAsDouble(),
                        spawnWithValue, "ms", false);
            }
            row("prespawn, target sets a Value (vs fork)",
                    Workloads.prespawnStartJoinMillis(Math.max(1, runs / 2), SPARE_WARM_UP, Value.ofLong(0)), forkWithValue,
                    "ms", false);
            double childPython = python(script, "(lambda p: (p.start(), time.sleep(1), int([l for l in open('/proc/%d/status'"
                    + " % p.pid) if l.startswith('VmRSS')][0].split()[1]) / 1024, p.join())[2])(mp.get_context('spawn')"
                    + ".Process(target=time.sleep, args=(2,)))");
            row("idle spawn child rss", Workloads.idleChildMebibytes(Duration.ofSeconds(1)), childPython, "MiB", false);
            row("prespawn spare rss", Workloads.spareMebibytes(SPARE_WARM_UP), childPython, "MiB", false);
        }
    }

    /**
     * Large-message rows: cold, the child's start included, as CPython's script measures; warm, the
     * steady state from the first message on, in this JVM after it has received as many already,
     * the best of {@link #WARM_LARGE_RUNS}, beside CPython's best of as many; and the steady state:
     * {@link #STEADY_STATE_FACTOR} times the messages, so that the producer's warm-up is a small
     * part of the run, into a receiver whose heap is bounded ({@link BoundedReceiver}), so that its
     * arrays land on pages it touched before, beside the same CPython figure (CPython's rate is
     * about the same at ten times the length: measured 49 and 43 MiB/s for the queue, 57 and 59 for
     * the pipe).
     */
    private static void largeRows(Path script, String name, int size, int n, boolean usePipe) throws Exception {
        String pythonArguments = size + ", " + n + ", " + (usePipe ? "True" : "False");
        row(name, Workloads.largeMessages(size, n, usePipe), python(script, "large_messages(" + pythonArguments + ")"),
                "MiB/s", true);
        double java = 0;
        double cpython = 0;
        for (int i = 0; i < WARM_LARGE_RUNS; i++) {
            java = Math.max(java, Workloads.largeMessages(size, n, usePipe, true));
            cpython = Math.max(cpython, python(script, "large_messages_after_first(" + pythonArguments + ")"));
        }
        row(name + " (warm, after the first)", java, cpython, "MiB/s", true);
        int steady = STEADY_STATE_FACTOR * n;
        row(name + " x" + steady + " (warm, " + BoundedReceiver.heapSize() + " heap)",
                BoundedReceiver.bestMebibytesPerSecond(size, steady, usePipe, WARM_LARGE_RUNS), cpython, "MiB/s", true);
    }

    private static final int WARM_LARGE_RUNS = 3;
    private static final int STEADY_STATE_FACTOR = 10;

    /**
     * Pool rows. Cold: a fresh pool's first run in this JVM, as CPython's script runs each workload in
     * a fresh pool (its map after a 1000-item map, as there); warm: the best of five more on one pool.
     */
    private static void poolRows(Path script) throws Exception {
        double firstJava = PoolWorkloads.firstResultMillis();
        double firstPython = python(script, "(lambda t, p: (p.apply(square, (3,)), (time.perf_counter() - t) * 1e3,"
                + " p.terminate())[1])(time.perf_counter(), mp.Pool(2))");
        row("pool_first_result (2 workers)", firstJava, firstPython, "ms", false);
        row("pool_first_result (2 workers, prespawn)", PoolWorkloads.firstResultMillis(
                Multiprocessing.getContext(StartMethod.PRESPAWN), SPARE_WARM_UP), firstPython, "ms", false);
        Thread.sleep(SPARE_WARM_UP.multipliedBy(2)); // the spares it took are being replaced: not during the next rows

        double mapPython = python(script, "pool_map(2_000_000) / 1e3");
        double applyPython = python(script, "pool_apply_async(20_000) / 1e3");
        try (Pool pool = new Pool(2)) {
            row("pool_map_2M_2workers", PoolWorkloads.mapItemsPerSecond(pool, 2_000_000) / 1e3, mapPython, "k/s", true);
            double best = 0;
            for (int i = 0; i < 5; i++) {
                best = Math.max(best, PoolWorkloads.mapItemsPerSecond(pool, 2_000_000) / 1e3);
            }
            row("pool_map_2M_2workers (warm)", best, mapPython, "k/s", true);
        }
        try (Pool pool = new Pool(2)) {
            pool.apply(() -> 0);
            row("pool_apply_async_20k", PoolWorkloads.applyAsyncPerSecond(pool, 20_000) / 1e3, applyPython, "k/s", true);
            double best = 0;
            for (int i = 0; i < 5; i++) {
                best = Math.max(best, PoolWorkloads.applyAsyncPerSecond(pool, 20_000) / 1e3);
            }
            row("pool_apply_async_20k (warm)", best, applyPython, "k/s", true);
            double roundTripPython = python(script, "(lambda p, n: (p.apply(square, (1,)), (lambda t: ([p.apply(square,"
                    + " (i,)) for i in range(n)], (time.perf_counter() - t) / n * 1e6))(time.perf_counter())[1],"
                    + " p.terminate())[1])(mp.Pool(2), 2000)");
            PoolWorkloads.applyRoundTripMicros(pool, 2_000);
            row("pool_apply_round_trip (warm)", PoolWorkloads.applyRoundTripMicros(pool, 2_000), roundTripPython,
                    "us", false);
        }
        double idlePython = python(script, "(lambda p: (p.apply(square, (1,)), time.sleep(1), int([l for l in"
                + " open('/proc/%d/status' % p._pool[0].pid) if l.startswith('VmRSS')][0].split()[1]) / 1024,"
                + " p.terminate())[2])(mp.Pool(2))");
        try (Pool fresh = new Pool(2)) {
            row("pool_idle_worker_rss (fresh)", PoolWorkloads.idleWorkerMebibytes(fresh), idlePython, "MiB", false);
        }
    }

    /** How long a spare is given to boot and warm up before a PRESPAWN start is timed. */
    private static final Duration SPARE_WARM_UP = Duration.ofSeconds(1);

    private static boolean selected(String group, String name) {
        return group.isEmpty() || group.equals(name);
    }

    private static void lockRows(Path script) throws Exception {
        double lockJava = Workloads.lockUncontendedMops(10_000_000);
        double lockPython = python(script, "lock_uncontended(1_000_000) / 1e6");
        row("lock_uncontended", lockJava, lockPython, "M/s", true);
        // Each child JVM's start (~0.15 s) is timed, as CPython's fork is; 10M increments per
        // process make it a small part of the whole, as fork's 3 ms is of CPython's run.
        double contendedJava = Workloads.lockContendedMops(10_000_000);
        double contendedPython = python(script, "lock_contended(200_000) / 1e6");
        row("lock_contended_2proc", contendedJava, contendedPython, "M/s", true);
        double steadyJava = Workloads.lockContendedSteadyMops(2_000_000);
        row("lock_contended (no start)", steadyJava, contendedPython, "M/s", true);
        // The other primitives, uncontended, from bench/python/python_mp_primitives.py.
        row("rlock_uncontended", Workloads.rlockUncontendedMops(10_000_000),
                python(script, "rlock_uncontended(1_000_000) / 1e6"), "M/s", true);
        row("semaphore_uncontended", Workloads.semaphoreUncontendedMops(10_000_000),
                python(script, "semaphore_uncontended(1_000_000) / 1e6"), "M/s", true);
        row("event_set_clear", Workloads.eventSetClearMops(10_000_000),
                python(script, "event_set_clear(1_000_000) / 1e6"), "M/s", true);
        row("condition_notify", Workloads.conditionNotifyMops(10_000_000),
                python(script, "condition_notify(1_000_000) / 1e6"), "M/s", true);
    }

    /** One line; the ratio is how many times better Java is (>1 is better). */
    private static void row(String name, double java, double cpython, String unit, boolean higherIsBetter) {
        Row row = new Row(name, java, cpython, unit, higherIsBetter);
        ROWS.add(row);
        System.out.printf(Locale.ROOT, "%-28s %9.2f %-5s %9.2f %-5s %7.2fx%n", name, java, unit, cpython, unit, row.ratio());
    }

    /**
     * SharedMemory rows: a GiB copied into a block in a child, out of it in the parent, and within one
     * process, each first and warm ({@link SharedMemoryWorkloads#bulkCopy}), against
     * bench/python/shared_memory_bench.py.
     */
    private static void sharedMemoryRows() throws Exception {
        long size = 1L << 30;
        SharedMemoryWorkloads.Copies java = SharedMemoryWorkloads.bulkCopy(size);
        String[] cpython = python3("bench/python/shared_memory_bench.py", Long.toString(size)).split(" ");
        String[] rows = {"shm_1gib_write (child, 1st touch)", "shm_1gib_write (child, warm)",
            "shm_1gib_read (parent attaches)", "shm_1gib_read (parent, warm)", "memcpy_1gib (one process, 1st)",
            "memcpy_1gib (one process, warm)"};
        double[] ours = java.all();
        for (int i = 0; i < rows.length; i++) {
            row(rows[i], ours[i], Double.parseDouble(cpython[i]), "GB/s", true);
        }
        double pythonBlock = Double.parseDouble(cpython[rows.length]);
        row("shm_create_close_unlink", SharedMemoryWorkloads.createCloseUnlinkMicros(5_000), pythonBlock, "us", false);
        row("shm_create_close_unlink (warm)", SharedMemoryWorkloads.createCloseUnlinkMicros(5_000), pythonBlock, "us", false);
    }

    /** Evaluates {@code expression} over the functions of the CPython benchmark script. */
    private static double python(Path script, String expression) throws IOException, InterruptedException {
        String program = String.join("\n",
                "import sys",
                "sys.path.insert(0, " + pythonString(script.toAbsolutePath().getParent().toString()) + ")",
                "from python_mp_bench import *",
                "from python_mp_warm import *",
                "from python_mp_primitives import *",
                "if __name__ == '__main__':",
                "    print(" + expression + ")");
        return Double.parseDouble(python3("-c", program));
    }

    /**
     * What {@code python3} with {@code arguments} prints, trimmed; its errors go to this process's.
     *
     * @throws IllegalStateException if it fails
     */
    static String python3(String... arguments) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("python3"));
        command.addAll(List.of(arguments));
        java.lang.Process python = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (python.waitFor() != 0) {
            throw new IllegalStateException("python3 failed on " + String.join(" ", arguments));
        }
        return out;
    }

    private static String pythonString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
