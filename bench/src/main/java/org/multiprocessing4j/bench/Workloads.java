package org.multiprocessing4j.bench;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.multiprocessing4j.Condition;
import org.multiprocessing4j.Connection;
import org.multiprocessing4j.Context;
import org.multiprocessing4j.Event;
import org.multiprocessing4j.Lock;
import org.multiprocessing4j.Multiprocessing;
import org.multiprocessing4j.Pipe;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.Queue;
import org.multiprocessing4j.RLock;
import org.multiprocessing4j.Semaphore;
import org.multiprocessing4j.SharedLong;
import org.multiprocessing4j.StartMethod;
import org.multiprocessing4j.Value;
import org.multiprocessing4j.function.SerializableRunnable;

/** The workloads of bench/python/python_mp_bench.py, in Java, shared by JMH and SideBySide. */
final class Workloads {
    private Workloads() {}

    /** Starts a child with an empty target and waits for it; returns its exit code. */
    static int startJoinOnce() throws InterruptedException {
        return startJoinOnce(() -> { });
    }

    /** Starts a child with {@code target} and waits for it; returns its exit code. */
    static int startJoinOnce(SerializableRunnable target) throws InterruptedException {
        Process p = new Process(target);
        p.start();
        p.join();
        return p.exitCode().orElseThrow();
    }

    /**
     * Mean milliseconds to start and wait for a bare JVM of this JDK that runs an empty {@code main}
     * from a class directory, without the library: the floor under any child of start method SPAWN.
     * Not from this process's class path, the shaded benchmark JAR, whose 15,000 entries a JVM reads
     * before it loads a class from it (a bare JVM took 75 ms here with it on its class path, against
     * 34-39 ms with the library's JAR and a class directory, as a user's child has).
     */
    static double bareJvmMillis(int n) throws Exception {
        Path classes = Files.createTempDirectory("mp4j-bench-empty-main");
        Path file = classes.resolve(EmptyMain.class.getName().replace('.', '/') + ".class");
        Files.createDirectories(file.getParent());
        try (InputStream in = EmptyMain.class.getResourceAsStream(file.getFileName().toString())) {
            Files.copy(in, file);
        }
        List<String> command = List.of(javaExecutable(), "-XX:-UsePerfData", "-cp", classes.toString(),
                EmptyMain.class.getName());
        try {
            return meanMillis(command, n);
        } finally {
            Files.delete(file);
            for (Path dir = file.getParent(); !dir.equals(classes.getParent()); dir = dir.getParent()) {
                Files.delete(dir);
            }
        }
    }

    private static double meanMillis(List<String> command, int n) throws Exception {
        new ProcessBuilder(command).inheritIO().start().waitFor();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            new ProcessBuilder(command).inheritIO().start().waitFor();
        }
        return (System.nanoTime() - start) / 1e6 / n;
    }

    /** The command that runs {@code main} with {@code arguments} in a new JVM of this one's JDK and class path, with {@code options}. */
    static List<String> thisJava(List<String> options, Class<?> main, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.addAll(options);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(arguments));
        return command;
    }

    /** This JVM's {@code java} launcher. */
    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The program that {@link #bareJvmMillis} runs. */
    public static final class EmptyMain {
        public static void main(String[] args) {}
    }

    /** Millions of uncontended acquire+release pairs per second, as python_mp_bench's lock_uncontended. */
    static double lockUncontendedMops(int n) throws InterruptedException {
        Lock lock = new Lock();
        for (int i = 0; i < n; i++) { // warm-up: let the JIT compile the fast path
            lock.acquire();
            lock.release();
        }
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            lock.acquire();
            lock.release();
        }
        return n / ((System.nanoTime() - start) / 1e9) / 1e6;
    }

    /** A round of a primitive's operations, as {@link #millionsPerSecond} times it. */
    private interface Round {
        void run() throws Exception;
    }

    /** Millions of {@code round}s per second, the last {@code n} of {@code 2n}: the first let the JIT compile them. */
    private static double millionsPerSecond(int n, Round round) throws Exception {
        for (int i = 0; i < n; i++) {
            round.run();
        }
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            round.run();
        }
        return n / ((System.nanoTime() - start) / 1e9) / 1e6;
    }

    /** An RLock's acquire and release, uncontended: python_mp_primitives.py's rlock_uncontended. */
    static double rlockUncontendedMops(int n) throws Exception {
        RLock rlock = new RLock();
        return millionsPerSecond(n, () -> {
            rlock.acquire();
            rlock.release();
        });
    }

    /** A Semaphore's acquire and release, uncontended: python_mp_primitives.py's semaphore_uncontended. */
    static double semaphoreUncontendedMops(int n) throws Exception {
        Semaphore semaphore = new Semaphore(1);
        return millionsPerSecond(n, () -> {
            semaphore.acquire();
            semaphore.release();
        });
    }

    /** An Event's set and clear, nobody waiting: python_mp_primitives.py's event_set_clear. */
    static double eventSetClearMops(int n) throws Exception {
        Event event = new Event();
        return millionsPerSecond(n, () -> {
            event.set();
            event.clear();
        });
    }

    /** A Condition's notify under its lock, nobody waiting: python_mp_primitives.py's condition_notify. */
    static double conditionNotifyMops(int n) throws Exception {
        Condition condition = new Condition();
        return millionsPerSecond(n, () -> {
            condition.acquire();
            condition.signal();
            condition.release();
        });
    }

    /**
     * Millions of increments per second by two processes that each add 1 to a shared long
     * {@code n} times under one Lock, timed from start to join: python_mp_bench's lock_contended.
     */
    static double lockContendedMops(int n) throws InterruptedException {
        Lock lock = new Lock();
        SharedLong counter = Value.ofLong(0);
        Process[] workers = new Process[2];
        long start = System.nanoTime();
        for (int w = 0; w < workers.length; w++) {
            workers[w] = new Process(() -> contend(lock, counter, n));
            workers[w].start();
        }
        for (Process worker : workers) {
            worker.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (counter.get() != 2L * n) {
            throw new IllegalStateException("lost updates: " + counter.get() + " of " + 2L * n);
        }
        return 2.0 * n / seconds / 1e6;
    }

    /**
     * As {@link #lockContendedMops}, but timed from the moment both started workers are released
     * until both are done: the contended lock alone, without JVM start and exit.
     */
    static double lockContendedSteadyMops(int n) throws InterruptedException {
        Lock lock = new Lock();
        SharedLong counter = Value.ofLong(0);
        Semaphore ready = new Semaphore(0);
        Semaphore done = new Semaphore(0);
        Event go = new Event();
        Process[] workers = new Process[2];
        for (int w = 0; w < workers.length; w++) {
            workers[w] = new Process(() -> {
                ready.release();
                go.await();
                contend(lock, counter, n);
                done.release();
            });
            workers[w].start();
        }
        ready.acquire();
        ready.acquire();
        long start = System.nanoTime();
        go.set();
        done.acquire();
        done.acquire();
        double seconds = (System.nanoTime() - start) / 1e9;
        for (Process worker : workers) {
            worker.join();
        }
        if (counter.get() != 2L * n) {
            throw new IllegalStateException("lost updates: " + counter.get() + " of " + 2L * n);
        }
        return 2.0 * n / seconds / 1e6;
    }

    static void contend(Lock lock, SharedLong counter, int n) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            lock.acquire();
            counter.set(counter.get() + 1);
            lock.release();
        }
    }

    /**
     * Items per second from a child that puts n Integers (then -1, as CPython's puts None; a Queue
     * holds no null) to the parent: queue_throughput,
     * timed from the child's start as CPython's; with {@code warmUp} > 0, timed only after that many
     * items have gone through (the child's start and the JIT's warm-up excluded).
     */
    /** What ends a stream of items on a queue. */
    private static final int END = -1;

    static double queueThroughput(int n, int warmUp) throws InterruptedException {
        Queue<Integer> q = new Queue<>();
        int total = n + warmUp;
        Process producer = new Process(() -> {
            for (int i = 0; i < total; i++) {
                q.put(i);
            }
            q.put(END);
        });
        long start = System.nanoTime();
        producer.start();
        for (int i = 0; i < warmUp; i++) {
            q.take();
        }
        if (warmUp > 0) {
            start = System.nanoTime();
        }
        int got = 0;
        while (q.take() != END) {
            got++;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        producer.join();
        if (got != n) {
            throw new IllegalStateException("got " + got + " of " + n);
        }
        return n / seconds;
    }

    /**
     * Microseconds per send+recv round trip with an echoing child: pipe_roundtrip, after one
     * warm-up round trip as CPython's, or after {@code warmUp} of them, for the JIT.
     */
    static double pipeRoundTripMicros(int n, int warmUp) throws Exception {
        Pipe pipe = Pipe.open();
        Connection child = pipe.second();
        int total = n + warmUp;
        Process echo = new Process(() -> {
            for (int i = 0; i < total; i++) {
                child.send(child.recv());
            }
        });
        echo.start();
        Connection conn = pipe.first();
        for (int i = 0; i <= warmUp; i++) {
            conn.send(0);
            conn.recv();
        }
        long start = System.nanoTime();
        for (int i = 0; i < n - 1; i++) {
            conn.send(i);
            conn.recv();
        }
        double micros = (System.nanoTime() - start) / 1e3 / (n - 1);
        echo.join();
        return micros;
    }

    /**
     * MiB/s of n messages of {@code size} random bytes from a child, through a Queue or a one-way
     * Pipe, as CPython's large_messages measures: the child's start included.
     */
    static double largeMessages(int size, int n, boolean usePipe) throws Exception {
        return largeMessages(size, n, usePipe, false);
    }

    /**
     * As {@link #largeMessages(int, int, boolean)}; {@code afterFirst} times from the first message
     * on, as python_mp_warm.py's large_messages_after_first does: the steady state, without the
     * child's start.
     */
    static double largeMessages(int size, int n, boolean usePipe, boolean afterFirst) throws Exception {
        Pipe pipe = usePipe ? Pipe.open(false) : null;
        Queue<byte[]> q = usePipe ? null : new Queue<>();
        Connection sendEnd = usePipe ? pipe.second() : null;
        Process producer = new Process(() -> {
            byte[] payload = randomBytes(size);
            for (int i = 0; i < n; i++) {
                if (usePipe) {
                    sendEnd.sendBytes(payload);
                } else {
                    q.put(payload);
                }
            }
        });
        long start = System.nanoTime();
        producer.start();
        long total = 0;
        for (int i = 0; i < n; i++) {
            total += usePipe ? pipe.first().recvBytes().length : q.take().length;
            if (i == 0 && afterFirst) {
                start = System.nanoTime();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        producer.join();
        if (total != (long) size * n) {
            throw new IllegalStateException("received " + total + " bytes of " + (long) size * n);
        }
        return (afterFirst ? total - size : total) / seconds / (1 << 20);
    }

    /**
     * {@code size} bytes of {@code /dev/urandom}, as CPython's script makes its payload with
     * {@code os.urandom}: a fresh child's {@code Random.nextBytes}, interpreted, took 6-10 ms for
     * 1 MiB here, against 3 ms for the kernel's, which both sides now pay.
     */
    private static byte[] randomBytes(int size) throws IOException {
        try (InputStream random = new FileInputStream("/dev/urandom")) {
            return random.readNBytes(size);
        }
    }

    /**
     * Mean milliseconds from {@code start()} to the end of {@code join()} of an empty target under
     * PRESPAWN, each start finding a spare that has had {@code pause} to boot and warm up, which is
     * not timed; one run first, untimed, to fill the spares.
     */
    static double prespawnStartJoinMillis(int n, Duration pause) throws InterruptedException {
        return prespawnStartJoinMillis(n, pause, null);
    }

    /**
     * {@link #prespawnStartJoinMillis(int, Duration)} of a target that sets {@code value}, or of an
     * empty one if it is null: most targets hold a handle of shared state, which the child attaches.
     */
    static double prespawnStartJoinMillis(int n, Duration pause, SharedLong value) throws InterruptedException {
        Context prespawn = Multiprocessing.getContext(StartMethod.PRESPAWN);
        Thread.sleep(pause);
        long total = 0;
        for (int i = 0; i <= n; i++) {
            Process p = value == null ? prespawn.newProcess(() -> { }) : prespawn.newProcess(() -> value.set(1));
            long start = System.nanoTime();
            p.start();
            p.join();
            total += i == 0 ? 0 : System.nanoTime() - start;
            Thread.sleep(pause);
        }
        return total / 1e6 / n;
    }

    /** Mean milliseconds per start and join under PRESPAWN back to back: as fast as spares are refilled. */
    static double prespawnBackToBackMillis(int n) throws InterruptedException {
        Context prespawn = Multiprocessing.getContext(StartMethod.PRESPAWN);
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Process p = prespawn.newProcess(() -> { });
            p.start();
            p.join();
        }
        return (System.nanoTime() - start) / 1e6 / n;
    }

    /** The resident memory, in MiB, of a PRESPAWN spare that has waited {@code pause}. */
    static double spareMebibytes(Duration pause) throws Exception {
        Multiprocessing.getContext(StartMethod.PRESPAWN);
        Thread.sleep(pause);
        long spare = ProcessHandle.current().children()
                .filter(c -> c.info().arguments().map(a -> List.of(a).contains("--spare")).orElse(false))
                .findFirst().orElseThrow().pid();
        return PoolWorkloads.rssKibibytes(spare) / 1024.0;
    }

    /** The resident memory, in MiB, of a SPAWN child whose target has slept {@code pause}. */
    static double idleChildMebibytes(Duration pause) throws Exception {
        Process p = new Process(() -> Thread.sleep(pause.multipliedBy(2)));
        p.start();
        Thread.sleep(pause);
        double mebibytes = PoolWorkloads.rssKibibytes(p.pid().orElseThrow()) / 1024.0;
        p.join();
        return mebibytes;
    }

    /** Mean milliseconds of {@link #startJoinOnce} over {@code n} runs, after one warm-up run. */
    static double startJoinMillis(int n) throws InterruptedException {
        return startJoinMillis(n, () -> { });
    }

    /**
     * Mean milliseconds to start and join a child whose target sets a {@link Value} it captured, as
     * bench/python/python_mp_warm.py's {@code start_join_with_value}, over {@code n} runs after one.
     */
    static double startJoinWithValueMillis(int n) throws InterruptedException {
        SharedLong value = Value.ofLong(0);
        return startJoinMillis(n, () -> value.set(1));
    }

    /** Mean milliseconds of {@link #startJoinOnce(SerializableRunnable)} over {@code n} runs, after one warm-up run. */
    private static double startJoinMillis(int n, SerializableRunnable target) throws InterruptedException {
        startJoinOnce(target);
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            startJoinOnce(target);
        }
        return (System.nanoTime() - start) / 1e6 / n;
    }
}
