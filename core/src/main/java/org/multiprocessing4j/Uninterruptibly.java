package org.multiprocessing4j;

import org.multiprocessing4j.internal.shm.Deadline;
import org.multiprocessing4j.internal.shm.RobustMutex;

/**
 * Waits that ignore interruption and restore the interrupt flag afterwards, as
 * {@link java.util.concurrent.locks.Lock#lock()} and {@code awaitUninterruptibly} do.
 */
final class Uninterruptibly {
    /** A wait that may be interrupted. */
    @FunctionalInterface
    interface Wait {
        void run() throws InterruptedException;
    }

    private Uninterruptibly() {}

    /** Runs {@code wait} until it completes, retrying after each interrupt and re-asserting it at the end. */
    static void run(Wait wait) {
        boolean interrupted = false;
        while (true) {
            try {
                wait.run();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Acquires {@code mutex}: one CAS if it is free (no allocation), else a wait. */
    static void acquire(RobustMutex mutex) {
        if (!mutex.tryAcquire()) {
            run(() -> mutex.acquire(Deadline.never()));
        }
    }
}
