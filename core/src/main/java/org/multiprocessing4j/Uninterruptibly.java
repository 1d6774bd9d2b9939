package org.multiprocessing4j;

import org.multiprocessing4j.internal.shm.Deadline;
import org.multiprocessing4j.internal.shm.RobustMutex;

/** Waits that ignore interruption and restore the interrupt flag afterwards, as Lock.lock() does. */
final class Uninterruptibly {
    private Uninterruptibly() {}

    static void acquire(RobustMutex mutex) {
        boolean interrupted = false;
        while (true) {
            try {
                mutex.acquire(Deadline.never());
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
