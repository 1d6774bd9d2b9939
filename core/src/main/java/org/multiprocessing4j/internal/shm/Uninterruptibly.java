package org.multiprocessing4j.internal.shm;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;

/**
 * Waits that ignore interruption and restore the interrupt flag afterwards, as
 * {@link java.util.concurrent.locks.Lock#lock()} and {@code awaitUninterruptibly} do; and calls on
 * a file channel, which an interrupt would otherwise fail.
 *
 * <p>A {@link java.nio.channels.FileChannel} is interruptible: a call made, or cut short, while the
 * thread's interrupt status is set closes the channel, for every thread, and throws
 * {@link ClosedByInterruptException}. Making a segment, mapping one, or filling a spill file is
 * not a wait, and must not fail because the thread was interrupted (a {@code Map.get} on a manager
 * opens a pipe at a thread's first call; a task decoded by an interrupted thread maps the segments
 * its handles name); so {@link #onChannel} makes such calls with the status cleared.
 */
public final class Uninterruptibly {
    /** A wait that may be interrupted. */
    @FunctionalInterface
    public interface Wait {
        void run() throws InterruptedException;
    }

    /** A call on a channel, which an interrupt may cut short by closing the channel. */
    @FunctionalInterface
    public interface ChannelCall<T> {
        T call() throws IOException;
    }

    /** What makes a call possible again after an interrupt closed its channel. */
    @FunctionalInterface
    public interface Recovery {
        void recover() throws IOException;
    }

    private Uninterruptibly() {}

    /**
     * Makes {@code call} with the thread's interrupt status cleared; if an interrupt closed its
     * channel all the same (one that came during the call), {@code recovery}, then the call again;
     * sets the status again before it returns or throws.
     *
     * @throws IOException what {@code call} or {@code recovery} threw, other than the interrupt
     */
    public static <T> T onChannel(ChannelCall<T> call, Recovery recovery) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            while (true) {
                try {
                    return call.call();
                } catch (ClosedByInterruptException e) {
                    interrupted |= Thread.interrupted();
                    recovery.recover();
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

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
