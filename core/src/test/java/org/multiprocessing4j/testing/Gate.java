package org.multiprocessing4j.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A one-shot signal between processes made of a file: {@link #open} creates it, {@link #await}
 * waits until it exists. Tests of Process use it to order events across processes before the
 * library's own Event exists; it polls, but no test waits on a bare sleep.
 */
public final class Gate {
    private static final Duration POLL = Duration.ofMillis(5);
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private Gate() {}

    public static void open(String path) {
        try {
            Files.writeString(Path.of(path), "open");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the gate is open; throws if it stays shut for a minute. */
    public static void await(String path) throws InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!Files.exists(Path.of(path))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("gate " + path + " stayed shut for " + LIMIT);
            }
            Thread.sleep(POLL);
        }
    }

    public static boolean isOpen(String path) {
        return Files.exists(Path.of(path));
    }
}
