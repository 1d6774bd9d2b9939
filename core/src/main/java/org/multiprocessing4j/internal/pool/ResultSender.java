package org.multiprocessing4j.internal.pool;

import java.time.Duration;
import org.multiprocessing4j.internal.shm.Deadline;
import org.multiprocessing4j.internal.shm.MessageRing;

/**
 * A worker's results on their way to the pool: those of small units are gathered into one RESULTS
 * message, so that the pool's result thread wakes once for many, and sent at the end of each batch,
 * or by a thread of its own once the oldest has waited {@link #MAX_DELAY}, so that a long unit never
 * holds back the results of the short ones before it.
 *
 * <p>A unit gathered and not yet sent when the worker dies has its seat idle, so the pool runs it
 * again: gathering trades, for that millisecond, at-most-once for fewer wake-ups.
 */
final class ResultSender {
    static final Duration MAX_DELAY = Duration.ofMillis(1);
    /** Results gathered past this size are sent at once. */
    static final int MAX_GATHERED_BYTES = 64 * 1024;
    private static final int COUNT_POSITION = 1;

    private final MessageRing ring;
    private final FrameBuffer gathered = new FrameBuffer();
    private int units;
    private long oldest;

    ResultSender(MessageRing ring) {
        this.ring = ring;
        Thread flusher = new Thread(this::flushLate, "mp4j-pool-worker-results");
        flusher.setDaemon(true);
        flusher.start();
    }

    /** Adds one unit's result ({@code unit id, nanoseconds, outcomes}). */
    synchronized void add(FrameBuffer unitResult) throws InterruptedException {
        if (units == 0) {
            gathered.clear();
            gathered.put(Frames.RESULTS).putInt(0);
            oldest = System.nanoTime();
            notifyAll();
        }
        gathered.put(unitResult);
        units++;
        if (gathered.position() >= MAX_GATHERED_BYTES) {
            send();
        }
    }

    /** Sends what is gathered. */
    synchronized void flush() throws InterruptedException {
        if (units > 0) {
            send();
        }
    }

    private void send() throws InterruptedException {
        gathered.putInt(COUNT_POSITION, units);
        units = 0;
        ring.put(gathered.toArray(), Deadline.never());
    }

    private synchronized void flushLate() {
        try {
            while (true) {
                if (units == 0) {
                    wait();
                    continue;
                }
                long waited = System.nanoTime() - oldest;
                if (waited >= MAX_DELAY.toNanos()) {
                    send();
                } else {
                    long left = MAX_DELAY.toNanos() - waited;
                    wait(left / 1_000_000, (int) (left % 1_000_000));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
