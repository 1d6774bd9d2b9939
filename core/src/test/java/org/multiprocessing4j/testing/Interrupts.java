package org.multiprocessing4j.testing;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Interrupting a thread blocked in a wait, to see how the wait ends. */
public final class Interrupts {
    private Interrupts() {}

    /** A wait that may throw anything. */
    @FunctionalInterface
    public interface Blocking {
        void run() throws Exception;
    }

    /**
     * Runs {@code blocking} in a new thread, interrupts it once it has had time to block, and
     * returns what it threw (null if it returned); fails if it does not end within 5 seconds.
     */
    public static Throwable whileBlocked(Blocking blocking) throws Exception {
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                blocking.run();
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        });
        t.start();
        Thread.sleep(50); // let it block; what is tested is that the interrupt ends it
        t.interrupt();
        return outcome.get(5, TimeUnit.SECONDS);
    }
}
