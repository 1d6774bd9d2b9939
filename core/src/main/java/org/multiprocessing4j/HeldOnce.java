package org.multiprocessing4j;

import java.io.Serial;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@link Held} that one {@code hold()} returns: its first {@link #close()} runs the release, and
 * later ones do nothing, so a try-with-resources that also releases by hand, or a close called
 * twice, never releases a lock or a permit that someone else has taken since.
 */
final class HeldOnce extends AtomicBoolean implements Held {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient Runnable release;

    HeldOnce(Runnable release) {
        this.release = release;
    }

    @Override
    public void close() {
        if (compareAndSet(false, true)) {
            release.run();
        }
    }
}
