package org.multiprocessing4j.internal.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.time.Duration;

/**
 * The Linux futex syscall on a 32-bit word in shared memory, the only native call of the
 * synchronization primitives, made on their slow paths only.
 *
 * <p>The operations are the shared ones (not {@code FUTEX_PRIVATE_FLAG}): the kernel keys a futex
 * in a file mapping by inode and offset, so processes that map the same file at different addresses
 * wait and wake on the same futex. The call goes through libc's {@code syscall(2)}, with
 * {@code errno} captured by the linker. Neither call allocates: both use their thread's scratch
 * memory, which matters most in a fresh child, whose first thousands of calls run interpreted, and
 * where a sleeping consumer makes every put to a queue a wake.
 */
public final class Futex {
    private static final long SYS_FUTEX = 202; // x86_64
    private static final int FUTEX_WAIT = 0;
    private static final int FUTEX_WAKE = 1;
    private static final int EAGAIN = 11;
    private static final int EINTR = 4;
    private static final int ETIMEDOUT = 110;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private static final StructLayout TIMESPEC = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("tv_sec"), ValueLayout.JAVA_LONG.withName("tv_nsec"));
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    /**
     * syscall(2) with errno captured. One downcall handle serves waits and wakes: each handle costs
     * a fresh JVM a generated class and its compilation.
     */
    private static final MethodHandle SYSCALL;
    /** Per thread: the timespec and errno state a call passes, allocated once rather than per call. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    static {
        if (!"amd64".equals(System.getProperty("os.arch")) && !"x86_64".equals(System.getProperty("os.arch"))) {
            throw new ExceptionInInitializerError("futex syscall number is known for x86_64 only, not "
                    + System.getProperty("os.arch"));
        }
        Linker linker = Linker.nativeLinker();
        SYSCALL = linker.downcallHandle(
                linker.defaultLookup().find("syscall").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS,
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                        ValueLayout.JAVA_INT),
                Linker.Option.firstVariadicArg(1),
                Linker.Option.captureCallState("errno"));
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
            timespec = arena.allocate(TIMESPEC);
            state = arena.allocate(CALL_STATE);
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
        Scratch scratch = SCRATCH.get();
        MemorySegment timespec = scratch.timespec;
        MemorySegment state = scratch.state;
        try {
            long nanos = Math.max(0, timeout.toNanos());
            timespec.set(ValueLayout.JAVA_LONG, 0, nanos / NANOS_PER_SECOND);
            timespec.set(ValueLayout.JAVA_LONG, Long.BYTES, nanos % NANOS_PER_SECOND);
            long result = (long) SYSCALL.invokeExact(state, SYS_FUTEX, word, FUTEX_WAIT, expected, timespec,
                    MemorySegment.NULL, 0);
            if (result == 0) {
                return Wake.WOKEN;
            }
            int errno = (int) ERRNO.get(state, 0L);
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
        }
    }

    /** Wakes at most {@code count} processes or threads sleeping on {@code word}; returns how many. */
    public static int wake(MemorySegment word, int count) {
        MemorySegment state = SCRATCH.get().state;
        try {
            long result = (long) SYSCALL.invokeExact(state, SYS_FUTEX, word, FUTEX_WAKE, count,
                    MemorySegment.NULL, MemorySegment.NULL, 0);
            if (result < 0) {
                throw new IllegalStateException("futex wake failed with errno " + (int) ERRNO.get(state, 0L));
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
