package org.multiprocessing4j.internal.shm;

import java.lang.foreign.MemorySegment;
import java.util.function.BooleanSupplier;
import org.multiprocessing4j.internal.sys.Futex;

/**
 * How every waiter of this package waits: it spins briefly, then sleeps on a futex word in slices.
 * The mutex, the semaphore and the rings share it.
 *
 * <p>Spinning: a few rounds of {@link Thread#onSpinWait()}, a microsecond or two, then a
 * {@link Thread#yield()} at every round, for at most {@link #SPIN_NANOS} in all. A waiter that only
 * spins holds a core that the other process needs to produce what it waits for, and so do the JIT
 * compiler threads of a fresh JVM: with two cores, yielding halved the first 20,000 round trips on
 * a pipe to a new child. A message or a release usually follows within a few microseconds, and
 * waking from the futex costs the scheduler's latency, tens of microseconds on a busy machine.
 * Other ways to wait, measured on two cores in a fresh child making 40,000 manager calls, which
 * take 12-14 us each this way: spinning without yielding 15-17 us; yielding at every eighth round
 * only 13.5-16.6; a 1 us park in place of the yield 83-94 (a timed park lasts tens of
 * microseconds); sleeping after 3 or 10 us of spinning 27-33 and 15-18; sleeping for 5-30 ms once
 * a yield has taken over 0.2-0.5 ms 13.7-21. What slows that child is the CPU its compiler
 * threads take, whatever the waiter does: the calls that last over a millisecond, a third of its
 * time, come at no safepoint, and stay when those threads run at a lower priority.
 *
 * <p>Sleeping ({@link #sleepUntil}), for waits whose waker looks at a sleeper count rather than at
 * a bit in the word: the sleeper reads the word, counts itself in the sleepers, then looks at the
 * condition for the last time and sleeps only while the word is still what it read; the waker
 * changes the word, then reads the count, and wakes if it is not zero. All four are sequentially
 * consistent, so one of the two sees the other: no wake-up is lost. Sleeps last at most
 * {@link Deadline#SLICE}, after which the waiter looks at interruption and at whatever it must not
 * wait for ({@code giveUp}: a dead peer, say).
 */
final class SpinThenSleep {
    /** How long a waiter spins before it sleeps. */
    static final long SPIN_NANOS = 50_000;
    /** Rounds of {@link #SPINS_PER_CLOCK_READ} pauses before the spin yields its core at every round. */
    private static final int SPIN_ROUNDS_BEFORE_YIELD = 2;
    private static final int SPINS_PER_CLOCK_READ = 16;

    private SpinThenSleep() {}

    /** Spins until {@code ready}, for at most {@link #SPIN_NANOS}; true if it became ready. */
    static boolean spinUntil(BooleanSupplier ready) {
        long spinEnd = System.nanoTime() + SPIN_NANOS;
        for (int round = 0; !ready.getAsBoolean(); round++) {
            if (!pause(round, spinEnd)) {
                return false;
            }
        }
        return true;
    }

    /** When a spin that started now ends, for {@link #pause}. */
    static long spinEnd() {
        return System.nanoTime() + SPIN_NANOS;
    }

    /**
     * One round of a spin: false, without pausing, once {@code spinEnd} has passed. For a caller
     * that spins in a loop of its own, to keep a hot wait small.
     */
    static boolean pause(int round, long spinEnd) {
        if (round < SPIN_ROUNDS_BEFORE_YIELD) {
            for (int i = 0; i < SPINS_PER_CLOCK_READ; i++) {
                Thread.onSpinWait();
            }
            return true;
        }
        if (System.nanoTime() - spinEnd >= 0) {
            return false;
        }
        Thread.yield();
        return true;
    }

    /**
     * Sleeps on the word at {@code futexWord} of {@code segment}, counted at {@code sleepers}, in
     * slices, until {@code ready}; false once the deadline has passed or {@code giveUp} holds,
     * which is looked at between slices.
     *
     * @throws InterruptedException if interrupted; checked before each sleep
     */
    static boolean sleepUntil(SharedSegment segment, long futexWord, long sleepers, Deadline deadline,
            BooleanSupplier ready, BooleanSupplier giveUp) throws InterruptedException {
        MemorySegment memory = segment.memory();
        MemorySegment word = segment.word(futexWord);
        while (true) {
            int seen = (int) Atomics.INT.getVolatile(memory, futexWord);
            Atomics.INT.getAndAdd(memory, sleepers, 1);
            try {
                if (ready.getAsBoolean()) {
                    return true;
                }
                if (deadline.passed() || giveUp.getAsBoolean()) {
                    return false;
                }
                Deadline.checkInterrupt();
                Futex.await(word, seen, deadline.slice());
            } finally {
                Atomics.INT.getAndAdd(memory, sleepers, -1);
            }
        }
    }

    /** Wakes every sleeper on {@code futexWord}, if {@code sleepers} counts any; after the word changed. */
    static void wakeSleepers(SharedSegment segment, long futexWord, long sleepers) {
        if ((int) Atomics.INT.getVolatile(segment.memory(), sleepers) > 0) {
            Futex.wakeAll(segment.word(futexWord));
        }
    }
}
