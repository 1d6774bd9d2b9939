package org.multiprocessing4j.internal.shm;

/**
 * Waits that ignore interruption and restore the interrupt flag afterwards, as
 * {@link java.util.concurrent.locks.Lock#lock()} and {@code awaitUninterruptibly} do.
 */
public final class Uninterruptibly {
    /** A wait that may be interrupted. */
    @FunctionalInterface
    public interface Wait {
        void run() throws InterruptedException;
    }

    private Uninterruptibly() {}

    /** Runs {@code wait} until it completes, retrying after each interrupt and re-asserting it at the end. */
    public static void run(Wait wait) {
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
}
