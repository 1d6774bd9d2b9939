package org.multiprocessing4j.internal.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiFunction;

/**
 * The Linux futex syscall on a 32-bit word in shared memory, the only native call of the
 * synchronization primitives, made on their slow paths only.
 *
 * <p>The operations are the shared ones (not {@code FUTEX_PRIVATE_FLAG}): the kernel keys a futex
 * in a file mapping by inode and offset, so processes that map the same file at different addresses
 * wait and wake on the same futex. The call goes through libc's {@code syscall(2)}, with
 * {@code errno} captured by the linker, declared with a fixed list of {@code long} arguments (see
 * {@link Downcall}). Neither call allocates: both use their thread's scratch
 * memory, which matters most in a fresh child, whose first thousands of calls run interpreted, and
 * where a sleeping consumer makes every put to a queue a wake.
 *
 * <p>Linking the downcall costs a fresh JVM 10-25 ms (it generates some thirty classes and forms),
 * so it is linked on a thread of its own ({@link #linkInBackground}): from the moment a
 * process makes its first segment or attaches a queue, a pipe or a pool's rings (it will wait or
 * wake on them), or else from its first wait or wake, so that a child that only attaches to shared
 * memory and reads or writes it (a target that sets a value) never links it. Nothing waits for the link: until it is linked, a wait polls (it
 * parks for at most {@link #POLL_WHILE_LINKING_NANOS} and reports a spurious wake-up, which every
 * caller is ready for), and a wake is handed to the linking thread, which makes it as soon as it
 * can. A sleeper is then woken no later than if the waker had linked the call itself, and the waker
 * goes on at once: in a new child, its first wake is often the answer to a sleeping parent's first
 * message, and the parent's next message finds the child already waiting for it. The JVM's end
 * waits for the wakes handed over ({@link DeferredWakesAtExit}).
 */
public final class Futex {
    /** The futex syscall's number on this machine; 0 where none is known. */
    private static final long SYS_FUTEX = futexSyscallNumber(System.getProperty("os.name"), System.getProperty("os.arch"));
    private static final long SYS_FUTEX_X86_64 = 202;
    /** Linux's generic syscall table, which arm64 (and riscv64) use. */
    private static final long SYS_FUTEX_GENERIC = 98;
    private static final long FUTEX_WAIT = 0;
    private static final long FUTEX_WAKE = 1;
    private static final int EAGAIN = 11;
    private static final int EINTR = 4;
    private static final int ETIMEDOUT = 110;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** An argument the operation ignores: the timeout of a wake, the second word of either. */
    private static final long NO_ADDRESS = 0;
    /** The last argument, {@code val3}, which neither operation reads. */
    private static final long NO_VALUE = 0;

    /**
     * {@code struct timespec} on a 64-bit Linux: two longs. Offsets rather than a {@code StructLayout},
     * which a fresh child would build on its way to its first handle, generating classes for it.
     */
    private static final long TIMESPEC_SECONDS_OFFSET = 0;
    private static final long TIMESPEC_NANOS_OFFSET = Long.BYTES;
    private static final long TIMESPEC_SIZE = 2 * Long.BYTES;
    /** How long a wait parks, at most, while the downcall is being linked. */
    private static final long POLL_WHILE_LINKING_NANOS = 200_000;
    /** How long a wait parks, at most, once this JVM has begun to end ({@link Sleepers}). */
    private static final long POLL_WHILE_ENDING_NANOS = 1_000_000;
    private static final AtomicBoolean BACKGROUND_LINK_STARTED = new AtomicBoolean();
    /**
     * Set once the downcall is linked, by {@link #link} or by the linking thread, which sets it
     * also when it failed to link (calls then link again, and throw).
     */
    private static volatile boolean linkingDone;
    /**
     * Wakes made before the downcall was linked, for the linking thread to make: one per futex
     * word (by address), its counts added up, so that a producer putting thousands of items
     * meanwhile leaves a handful of wakes, not thousands.
     */
    private static final Map<Long, DeferredWake> DEFERRED_WAKES = new ConcurrentHashMap<>();

    private record DeferredWake(MemorySegment word, int count) {}

    /** Adds the counts of two deferred wakes of one word; a class, not a lambda, which would spin one. */
    private static final class AddCounts implements BiFunction<DeferredWake, DeferredWake, DeferredWake> {
        static final AddCounts INSTANCE = new AddCounts();

        @Override
        public DeferredWake apply(DeferredWake earlier, DeferredWake later) {
            long sum = (long) earlier.count() + later.count();
            return new DeferredWake(earlier.word(), (int) Math.min(Integer.MAX_VALUE, sum));
        }
    }

    /**
     * syscall(2) with errno captured, linked when this class is initialized. One downcall handle
     * serves waits and wakes: each handle costs a fresh JVM generated classes and their compilation.
     *
     * <p>{@code syscall} is variadic, but is declared here with a fixed list of {@code long}s, the
     * word's address excepted (a segment, so that its mapping cannot be closed during a call):
     * linked as variadic, the handle took a fresh JVM with an AOT cache 17-27 ms to make, against
     * 11-12 ms (four runs each), and generated 44 classes and forms against 31. It is the same call.
     * On the platforms of {@link #checkPlatform}, an integer argument of a register's width travels
     * in the same register or stack slot whether it is variadic or not (no promotion either, as
     * every argument is a {@code long}); what x86_64 adds for a variadic call, the count of vector
     * registers in {@code %al}, glibc's {@code syscall}, written in assembly, never reads, and a C
     * one (musl's) reads only to decide whether to save vector registers it then ignores.
     */
    private static final class Downcall {
        static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
        /** Where errno lies in the captured state: read with a plain get, not a var handle on the path. */
        static final long ERRNO_OFFSET = CALL_STATE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
        static final MethodHandle SYSCALL;
        /** Per thread: the timespec and errno state a call passes, allocated once rather than per call. */
        static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

        static {
            checkPlatform();
            Linker linker = Linker.nativeLinker();
            SYSCALL = linker.downcallHandle(
                    linker.defaultLookup().find("syscall").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS,
                            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                            ValueLayout.JAVA_LONG),
                    Linker.Option.captureCallState("errno"));
        }

        private Downcall() {}
    }

    /**
     * The words this JVM's threads sleep on now, so that its end can wake them. HotSpot's exit
     * waits, in steps of 10 ms and for up to 300 ms, for every thread in native code, and a thread
     * in a futex sleep is one: a JVM that ended while a daemon thread slept on a queue or a lock
     * ended up to a slice later (measured 30-47 ms). A shutdown hook sets {@link #ending} and wakes
     * every sleeper; from then on a wait parks, a poll at a time, as while the downcall is linked.
     * A sleeper registers before it looks at {@link #ending}, and the hook sets it before it looks
     * at the sleepers, so each sees the other, but for a wake that comes between a sleeper's look
     * and its entry into the kernel: that sleeper sleeps on to the end of its slice, as before.
     */
    private static final class Sleepers {
        static final Map<Thread, MemorySegment> WORDS = new ConcurrentHashMap<>();
        static volatile boolean ending;

        static {
            try {
                Runtime.getRuntime().addShutdownHook(new Thread(new WakeAtExit(), "mp4j-futex-exit"));
            } catch (IllegalStateException shuttingDown) {
                ending = true;
            }
        }

        private Sleepers() {}
    }

    private static final class WakeAtExit implements Runnable {
        @Override
        public void run() {
            wakeSleepersForExit();
        }
    }

    /**
     * What this JVM's end does (public for its test, which cannot end a JVM in the middle): every
     * thread sleeping on a futex is woken, and later waits park in polls of at most a millisecond
     * instead of sleeping in the kernel.
     */
    public static void wakeSleepersForExit() {
        Sleepers.ending = true;
        for (MemorySegment word : Sleepers.WORDS.values()) {
            try {
                wakeAll(word);
            } catch (IllegalStateException unmapped) {
                // its sleeper woke and let the mapping go meanwhile: nobody is left to wake there
            }
        }
    }

    /**
     * Makes, when this JVM ends, the wakes still handed to a linking thread that has not finished:
     * that thread is a daemon, and the end does not wait for it. A child that put an item to a
     * queue and ended before its link did left the parent asleep in {@code take} to the end of its
     * {@link org.multiprocessing4j.internal.shm.Deadline#SLICE slice}: the item, put 57-74 ms after
     * {@code start()}, was taken at 103-106 ms; with this hook, put at 49-61 ms, it is taken 2-12 ms
     * later (a new program, the library's JAR and a class directory, three starts each), and a raw
     * wait of the parent is no longer left asleep (4 of 8 were, before). Registered with the first
     * wake handed over; a wake made while the JVM ends is made at once, the link with it.
     */
    private static final class DeferredWakesAtExit implements Runnable {
        /** False if the JVM was already ending when a wake was first handed over. */
        static final boolean REGISTERED = register();

        private static boolean register() {
            try {
                Runtime.getRuntime().addShutdownHook(new Thread(new DeferredWakesAtExit(), "mp4j-futex-deferred-wakes"));
                return true;
            } catch (IllegalStateException ending) {
                return false;
            }
        }

        @Override
        public void run() {
            if (DEFERRED_WAKES.isEmpty()) {
                return;
            }
            try {
                link(); // waits for the linking thread's class initialization, or does it
            } catch (UnsupportedOperationException | LinkageError e) {
                return; // the linking thread found the same: nobody here could sleep on a futex
            }
            makeDeferredWakes();
        }
    }

    /** Whether this process has begun to link the downcall, or linked it (for tests). */
    static boolean linkStarted() {
        return linkingDone || BACKGROUND_LINK_STARTED.get();
    }

    /** Whether {@code thread} is in a wait that {@link #wakeSleepersForExit} would wake (for tests). */
    static boolean registeredAsSleeper(Thread thread) {
        return Sleepers.WORDS.containsKey(thread);
    }

    /**
     * Initializes {@link Downcall}, then makes the wakes deferred meanwhile. A failure is left for
     * the next call to report: it then initializes the class itself, which throws.
     */
    private static final class BackgroundLink implements Runnable {
        @Override
        public void run() {
            boolean linked = false;
            try {
                link();
                linked = true;
            } catch (UnsupportedOperationException | LinkageError e) {
                // reported by the next call, which initializes the class again
            } finally {
                // Set whatever happened, so that no call keeps polling or deferring.
                linkingDone = true;
            }
            if (linked) {
                makeDeferredWakes();
            } else {
                DEFERRED_WAKES.clear(); // nobody can sleep on a futex here to be woken
            }
        }
    }

    /**
     * True while the linking thread is still linking: calls must not wait for it. The first call
     * starts that thread; if it cannot be started, the call links the downcall itself, once for
     * the process ({@link #link} marks it done), and throws what fails.
     */
    private static boolean linking() {
        if (linkingDone) {
            return false;
        }
        if (!BACKGROUND_LINK_STARTED.get()) {
            try {
                linkInBackground();
            } catch (RuntimeException | Error noThread) {
                link();
                return false;
            }
        }
        return !linkingDone;
    }

    /**
     * Makes the deferred wakes. Both the linking thread, after it set {@link #linkingDone}, and a
     * waker that deferred a wake and then found it set call this, so no deferred wake is missed:
     * one of the two sees the other's write (both volatile). A wake leaves the map only once it is
     * made, so that the JVM's end ({@link DeferredWakesAtExit}) finds every wake that a thread it
     * stops may not have made; a wake made twice is harmless.
     */
    private static void makeDeferredWakes() {
        for (Map.Entry<Long, DeferredWake> entry : DEFERRED_WAKES.entrySet()) {
            DeferredWake deferred = entry.getValue();
            wake(deferred.word(), deferred.count());
            DEFERRED_WAKES.remove(entry.getKey(), deferred); // one merged meanwhile stays, to be made
        }
    }

    /** The futex syscall's number for Linux on {@code arch}, or 0 if this library does not run there. */
    static long futexSyscallNumber(String os, String arch) {
        if (!"Linux".equals(os)) {
            return 0;
        }
        return switch (arch) {
            case "amd64", "x86_64" -> SYS_FUTEX_X86_64;
            case "aarch64", "arm64", "riscv64" -> SYS_FUTEX_GENERIC;
            default -> 0;
        };
    }

    /**
     * @throws UnsupportedOperationException naming this machine, where it is not Linux on x86_64,
     *     aarch64 or riscv64: the futex and /dev/shm this library is built on are Linux's
     */
    public static void checkPlatform() {
        if (SYS_FUTEX == 0) {
            throw new UnsupportedOperationException("multiprocessing4j runs on Linux on x86_64, aarch64 or riscv64; this is "
                    + System.getProperty("os.name") + " on " + System.getProperty("os.arch"));
        }
    }

    /**
     * Starts linking the downcall on a daemon thread, once per process and unless {@link #link}
     * linked it, and returns at once. Until it is done, waits poll and wakes are deferred to that
     * thread (see the class comment).
     */
    public static void linkInBackground() {
        checkPlatform();
        if (!linkingDone && BACKGROUND_LINK_STARTED.compareAndSet(false, true)) {
            try {
                Thread.ofPlatform().daemon().name("mp4j-futex-link").start(new BackgroundLink());
            } catch (RuntimeException | Error e) {
                BACKGROUND_LINK_STARTED.set(false); // calls link for themselves
                throw e;
            }
        }
    }

    /**
     * Links the downcall on the calling thread, now, for a caller that can wait for it (a spare JVM
     * preparing while it waits for its task): no linking thread is started, and no call polls.
     *
     * @throws UnsupportedOperationException as {@link #checkPlatform}
     * @throws LinkageError if the downcall cannot be linked here
     */
    public static void link() {
        checkPlatform();
        try {
            MethodHandles.lookup().ensureInitialized(Downcall.class);
        } catch (IllegalAccessException impossible) {
            throw new AssertionError(impossible); // a class's own nested class
        }
        linkingDone = true;
    }

    /**
     * A thread's native scratch memory for futex calls. It is freed by the garbage collector once
     * the thread, and with it this object, is gone.
     */
    private static final class Scratch {
        final MemorySegment timespec;
        final MemorySegment state;

        Scratch() {
            Arena arena = Arena.ofAuto();
            timespec = arena.allocate(TIMESPEC_SIZE, Long.BYTES);
            state = arena.allocate(Downcall.CALL_STATE);
        }
    }

    private Futex() {}

    /** What ended a {@link #await}. */
    public enum Wake {
        /** Woken by {@link #wake}, or by a signal, or spuriously: check the condition again. */
        WOKEN,
        /** The word no longer held the expected value when the call was made. */
        VALUE_CHANGED,
        /** The timeout passed. */
        TIMED_OUT
    }

    /**
     * Sleeps while the word at {@code word} (4 bytes, aligned) holds {@code expected}, for at most
     * {@code timeout}. Does not respond to Java thread interruption; callers wait in slices.
     */
    public static Wake await(MemorySegment word, int expected, Duration timeout) {
        if (linking()) {
            return poll(timeout, POLL_WHILE_LINKING_NANOS);
        }
        Thread self = Thread.currentThread();
        Sleepers.WORDS.put(self, word);
        if (Sleepers.ending) {
            Sleepers.WORDS.remove(self);
            return poll(timeout, POLL_WHILE_ENDING_NANOS);
        }
        Scratch scratch = Downcall.SCRATCH.get();
        MemorySegment timespec = scratch.timespec;
        MemorySegment state = scratch.state;
        try {
            long nanos = Math.max(0, timeout.toNanos());
            timespec.set(ValueLayout.JAVA_LONG, TIMESPEC_SECONDS_OFFSET, nanos / NANOS_PER_SECOND);
            timespec.set(ValueLayout.JAVA_LONG, TIMESPEC_NANOS_OFFSET, nanos % NANOS_PER_SECOND);
            // The timespec's address: its scratch stays reachable from this thread's ThreadLocal.
            long result = (long) Downcall.SYSCALL.invokeExact(state, SYS_FUTEX, word, FUTEX_WAIT, (long) expected,
                    timespec.address(), NO_ADDRESS, NO_VALUE);
            if (result == 0) {
                return Wake.WOKEN;
            }
            int errno = state.get(ValueLayout.JAVA_INT, Downcall.ERRNO_OFFSET);
            return switch (errno) {
                case EAGAIN -> Wake.VALUE_CHANGED;
                case ETIMEDOUT -> Wake.TIMED_OUT;
                case EINTR -> Wake.WOKEN;
                default -> throw new IllegalStateException("futex wait failed with errno " + errno);
            };
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("futex wait failed", t);
        } finally {
            Sleepers.WORDS.remove(self);
        }
    }

    /** A wait that parks instead of sleeping in the kernel: at most {@code pollNanos}, then a spurious wake-up. */
    private static Wake poll(Duration timeout, long pollNanos) {
        LockSupport.parkNanos(Math.min(Math.max(0, timeout.toNanos()), pollNanos));
        return Wake.WOKEN;
    }

    /**
     * Wakes at most {@code count} processes or threads sleeping on {@code word}; returns how many,
     * or 0 if the wake was handed to the thread still linking the call.
     */
    public static int wake(MemorySegment word, int count) {
        if (linking()) {
            if (DeferredWakesAtExit.REGISTERED) {
                DEFERRED_WAKES.merge(word.address(), new DeferredWake(word, count), AddCounts.INSTANCE);
                if (linkingDone) {
                    makeDeferredWakes();
                }
                return 0;
            }
            link(); // the JVM is ending, and nothing would make a wake handed over
        }
        MemorySegment state = Downcall.SCRATCH.get().state;
        try {
            long result = (long) Downcall.SYSCALL.invokeExact(state, SYS_FUTEX, word, FUTEX_WAKE, (long) count,
                    NO_ADDRESS, NO_ADDRESS, NO_VALUE);
            if (result < 0) {
                throw new IllegalStateException("futex wake failed with errno "
                        + state.get(ValueLayout.JAVA_INT, Downcall.ERRNO_OFFSET));
            }
            return (int) result;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("futex wake failed", t);
        }
    }

    /** Wakes every waiter on {@code word}. */
    public static int wakeAll(MemorySegment word) {
        return wake(word, Integer.MAX_VALUE);
    }
}
