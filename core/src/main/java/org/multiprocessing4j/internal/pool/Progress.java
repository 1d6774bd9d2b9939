package org.multiprocessing4j.internal.pool;

import java.time.Duration;
import org.multiprocessing4j.ProgressListener;
import org.multiprocessing4j.internal.Log;

/** Calls a {@link ProgressListener} at a bounded rate: at most every {@link #INTERVAL}, and when the last item is done. */
final class Progress {
    static final Duration INTERVAL = Duration.ofMillis(100);

    private final ProgressListener listener;
    private long total;
    private long done;
    private long lastReport;
    private boolean reported;

    /** Reports to {@code listener}, which may be null for none; {@code total} is -1 while unknown. */
    Progress(ProgressListener listener, long total) {
        this.listener = listener;
        this.total = total;
    }

    synchronized void advance(int items) {
        done += items;
        report();
    }

    /** The input has been read to its end: there are {@code total} items. */
    synchronized void total(long total) {
        this.total = total;
        if (done == total) {
            report();
        }
    }

    private void report() {
        if (listener == null) {
            return;
        }
        long now = System.nanoTime();
        if (done == total || !reported || now - lastReport >= INTERVAL.toNanos()) {
            reported = true;
            lastReport = now;
            try {
                listener.progress(done, total);
            } catch (RuntimeException e) {
                Log.warning("a pool's progress listener threw " + e, e);
            }
        }
    }
}
