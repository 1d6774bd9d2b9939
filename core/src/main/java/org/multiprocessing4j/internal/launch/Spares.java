package org.multiprocessing4j.internal.launch;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.multiprocessing4j.internal.Log;
import org.multiprocessing4j.internal.shm.Deadline;

/**
 * The ready JVMs of the PRESPAWN start method, as CPython's {@code forkserver} module keeps its
 * server: for each class path and set of user JVM options, up to {@link #count()} spare JVMs that
 * have started, loaded the library and wait on their standard input for a task
 * ({@link ChildMain}). {@link PrespawnPopen} takes one and hands it the task, so that no JVM starts
 * on the caller's path (or, if none is waiting, starts the child as SPAWN does); a refill starts
 * another in the background, once takes have paused for {@link #REFILL_DELAY}.
 *
 * <p>Invariants, all under this class's lock: a spare is in one stock or in none; once out, it is
 * handed a task or let go (dismissed, or killed at the program's end), never two of these and never
 * twice. A spare is never reused: each Process gets a JVM of its own. A spare that has waited
 * {@link #idleTimeout()} is dismissed (its input closed, so it exits 0), and a stock is not refilled
 * until it is taken from again. A spare whose parent dies sees its input end too, and exits within
 * the second {@link ParentWatch} promises. At a normal exit, a shutdown hook of its own kills the
 * parent's spares and waits for them ({@link #killAllAtExit}), and no spare starts after it: a spare
 * has run nothing of the program's, and the program's JVM cannot end before its children have, so a
 * spare still booting, which would read a dismissal only once booted, held up the program's end
 * (DESIGN.md, PRESPAWN).
 *
 * <p>Refills and expiries run on one daemon thread, so a host that joins the program's non-daemon
 * threads never waits for it.
 */
public final class Spares {
    /** Spares kept per class path and options unless set: enough for a pool of two to start at once. */
    public static final int DEFAULT_COUNT = 2;
    /** How long a spare waits unless set. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(1);
    /**
     * How long takes must have paused before the stock is refilled: a JVM that boots takes a core,
     * and the child just handed its task, or the next of a burst of starts, should have the machine
     * to start on first.
     */
    static final Duration REFILL_DELAY = Duration.ofMillis(100);
    /** How long {@link #dismissAll} and {@link #killAllAtExit} wait for the spares they let go to exit. */
    static final Duration DISMISS_WAIT = Duration.ofSeconds(2);

    private static final Map<Key, Deque<SpawnPopen>> STOCKS = new HashMap<>();
    private static int count = DEFAULT_COUNT;
    private static Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private static ScheduledExecutorService refiller;
    /** Set by {@link #killAllAtExit}: the program is ending, and no spare starts any more. */
    private static boolean ending;
    /** How many times the count was set to 0: a refill scheduled before the last of them starts nothing. */
    private static long zeroings;
    /** When the last take was ({@link System#nanoTime}); a refill waits for {@link #REFILL_DELAY} after it. */
    private static long lastTake = System.nanoTime() - REFILL_DELAY.toNanos();
    /**
     * The stocks whose refill waits for takes to pause: one waiting refill covers the others due
     * meanwhile, so that a long burst of starts does not keep one per take rescheduling itself.
     */
    private static final Set<Key> DEFERRED = new HashSet<>();

    private Spares() {}

    /** The spares of one launch: a child's class path and its user's JVM options. */
    private record Key(String classPath, List<String> jvmOptions) {}

    /** How many spares each stock keeps. */
    public static synchronized int count() {
        return count;
    }

    /**
     * Sets how many spares each stock keeps from its next refill on; 0 keeps none, dismisses those
     * waiting now, and cancels the refills scheduled or under way, so that a count set again at once
     * starts spares only from the next take (or the next request for the context) on.
     *
     * @throws IllegalArgumentException if {@code spares} is negative
     */
    public static void setCount(int spares) {
        if (spares < 0) {
            throw new IllegalArgumentException("the number of spares cannot be negative: " + spares);
        }
        synchronized (Spares.class) {
            count = spares;
            if (spares == 0) {
                zeroings++;
                DEFERRED.clear(); // those refills start nothing now; the next take's must not wait on them
            }
        }
        if (spares == 0) {
            dismissAll();
        }
    }

    /** How long a spare waits for a task before it is dismissed. */
    public static synchronized Duration idleTimeout() {
        return idleTimeout;
    }

    /**
     * Sets how long spares started from now on wait for a task.
     *
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     */
    public static synchronized void setIdleTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("a spare's idle timeout must be positive: " + timeout);
        }
        idleTimeout = timeout;
    }

    /**
     * Fills the stock of {@code classPath} with no user options in the background, so that the first
     * start is handed a ready JVM too.
     */
    public static void prepare(String classPath, Supplier<byte[]> trainingPayload, Supplier<byte[]> warmUpPayload) {
        refillLater(new Key(classPath, List.of()), trainingPayload, warmUpPayload);
    }

    /**
     * A spare for this launch, taken out of its stock, or null if none is waiting (the first start
     * of a launch, or one that came faster than refills); the stock is refilled in the background,
     * unless a spare in it had died while it waited: that one is passed over and let go
     * ({@link SpawnPopen#dismiss}), and refilling would most likely start JVMs that die the same way
     * (a JVM option they refuse).
     */
    static SpawnPopen take(String classPath, List<String> jvmOptions, Supplier<byte[]> trainingPayload,
            Supplier<byte[]> warmUpPayload) {
        Key key = new Key(classPath, List.copyOf(jvmOptions));
        SpawnPopen taken = null;
        List<SpawnPopen> diedWaiting = new ArrayList<>();
        synchronized (Spares.class) {
            lastTake = System.nanoTime();
            Deque<SpawnPopen> stock = STOCKS.get(key);
            while (taken == null && stock != null && !stock.isEmpty()) {
                SpawnPopen next = stock.poll();
                if (next.hasExited()) {
                    diedWaiting.add(next);
                } else {
                    taken = next;
                }
            }
        }
        diedWaiting.forEach(SpawnPopen::dismiss); // each settles as a spare let go, not as a failed start
        if (diedWaiting.isEmpty()) {
            refillLater(key, trainingPayload, warmUpPayload);
        }
        return taken;
    }

    /** Dismisses every waiting spare, and waits at most {@link #DISMISS_WAIT} for them to exit. */
    public static void dismissAll() {
        List<SpawnPopen> dismissed = takeAll();
        for (SpawnPopen spare : dismissed) {
            spare.dismiss();
        }
        awaitExit(dismissed);
    }

    /** At the program's end: no spare starts any more, and every waiting one is killed and waited for. */
    private static void killAllAtExit() {
        synchronized (Spares.class) {
            ending = true;
        }
        List<SpawnPopen> killed = takeAll();
        for (SpawnPopen spare : killed) {
            spare.kill();
        }
        awaitExit(killed);
    }

    private static synchronized List<SpawnPopen> takeAll() {
        List<SpawnPopen> taken = new ArrayList<>();
        for (Deque<SpawnPopen> stock : STOCKS.values()) {
            taken.addAll(stock);
        }
        STOCKS.clear();
        return taken;
    }

    /** Waits at most {@link #DISMISS_WAIT} in all for {@code spares} to exit. */
    private static void awaitExit(List<SpawnPopen> spares) {
        long deadline = System.nanoTime() + DISMISS_WAIT.toNanos();
        try {
            for (SpawnPopen spare : spares) {
                spare.join(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static synchronized void refillLater(Key key, Supplier<byte[]> trainingPayload, Supplier<byte[]> warmUpPayload) {
        if (count > 0) {
            long since = zeroings;
            refiller().schedule(() -> refill(key, trainingPayload, warmUpPayload, since), REFILL_DELAY.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Starts spares until the stock holds {@link #count()}, unless the count has been set to 0 since
     * {@code since} zeroings; each is dismissed once it has waited too long.
     */
    private static void refill(Key key, Supplier<byte[]> trainingPayload, Supplier<byte[]> warmUpPayload, long since) {
        while (true) {
            Duration timeout;
            synchronized (Spares.class) {
                if (ending || zeroings != since || STOCKS.getOrDefault(key, new ArrayDeque<>()).size() >= count) {
                    return;
                }
                long wait = refillWaitNanos(System.nanoTime(), lastTake);
                if (wait > 0) { // a burst of starts goes on: boot nothing beside it
                    if (DEFERRED.add(key)) {
                        refiller().schedule(() -> refillDeferred(key, trainingPayload, warmUpPayload, since), wait,
                                TimeUnit.NANOSECONDS);
                    }
                    return;
                }
                timeout = idleTimeout;
            }
            SpawnPopen spare;
            try {
                spare = SpawnPopen.startSpare(key.classPath(), key.jvmOptions(), trainingPayload, warmUpPayload);
            } catch (IOException | RuntimeException e) {
                Log.warning("could not start a spare JVM: " + e);
                return;
            }
            boolean late;
            boolean cancelled;
            synchronized (Spares.class) {
                late = ending;
                cancelled = zeroings != since;
                if (!late && !cancelled) {
                    STOCKS.computeIfAbsent(key, k -> new ArrayDeque<>()).add(spare);
                }
            }
            if (late) {
                spare.kill(); // started as the program's end began: its exit hook has not seen it
                return;
            }
            if (cancelled) {
                spare.dismiss(); // the count was set to 0 while it started
                return;
            }
            refiller().schedule(() -> expire(key, spare), Deadline.nanos(timeout), TimeUnit.NANOSECONDS);
        }
    }

    /** The {@link #DEFERRED} refill of {@code key}, once its wait is over. */
    private static void refillDeferred(Key key, Supplier<byte[]> trainingPayload, Supplier<byte[]> warmUpPayload,
            long since) {
        synchronized (Spares.class) {
            DEFERRED.remove(key);
        }
        refill(key, trainingPayload, warmUpPayload, since);
    }

    /** How long a refill at {@code now} must still wait after the take at {@code lastTake}, in nanoseconds; 0 if none. */
    static long refillWaitNanos(long now, long lastTake) {
        return Math.max(0, REFILL_DELAY.toNanos() - (now - lastTake));
    }

    private static void expire(Key key, SpawnPopen spare) {
        synchronized (Spares.class) {
            Deque<SpawnPopen> stock = STOCKS.get(key);
            if (stock == null || !stock.remove(spare)) {
                return; // taken, or dismissed already
            }
        }
        spare.dismiss();
    }

    private static synchronized ScheduledExecutorService refiller() {
        if (refiller == null) {
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1,
                    runnable -> Thread.ofPlatform().daemon().name("mp4j-spares").unstarted(runnable));
            executor.setRemoveOnCancelPolicy(true);
            refiller = executor;
            Runtime.getRuntime().addShutdownHook(new Thread(Spares::killAllAtExit, "mp4j-spares-exit"));
        }
        return refiller;
    }
}
