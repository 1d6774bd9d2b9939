package org.multiprocessing4j.internal.manager;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Closes the channel of a client thread that has ended, so that the server's thread that serves
 * it sees the end and ends too.
 *
 * <p>Each thread that calls a manager has a channel of its own ({@link ManagerClient}), and the
 * server a thread for each channel. Without this, a process that runs many short threads (a thread
 * per request, virtual threads) left a thread and a connection on the server for every one of them,
 * and over TCP a socket and a selector here: 600 short threads, 600 server threads and 1,800 file
 * descriptors. Python closes such a connection when the thread's local storage is collected; Java
 * has no hook at a thread's end, so a daemon thread looks every {@link #LOOK} at the threads that
 * hold channels, and runs only while some do.
 */
final class SessionReaper {
    /** How often the owners are looked at: a channel outlives its thread by at most this. */
    static final Duration LOOK = Duration.ofSeconds(1);
    /** Each open channel, and the thread it belongs to. */
    private static final Map<Channel, Thread> OWNERS = new ConcurrentHashMap<>();
    /** Whether the reaping thread runs; guarded by the class. */
    private static boolean running;

    private SessionReaper() {}

    /** Closes {@code channel} once {@code owner} has ended, unless it is {@link #forget forgotten} first. */
    static void watch(Channel channel, Thread owner) {
        OWNERS.put(channel, owner);
        synchronized (SessionReaper.class) {
            if (!running) {
                running = true;
                Thread.ofPlatform().daemon().name("mp4j-manager-sessions").start(SessionReaper::reap);
            }
        }
    }

    /** {@code channel} was closed by its own thread. */
    static void forget(Channel channel) {
        OWNERS.remove(channel);
    }

    /** Until no channel is watched: closes those whose threads have ended. */
    private static void reap() {
        while (true) {
            try {
                Thread.sleep(LOOK);
            } catch (InterruptedException e) {
                // a daemon thread of the library's own: nobody interrupts it but the JVM's end
            }
            OWNERS.forEach((channel, owner) -> {
                if (!owner.isAlive() && OWNERS.remove(channel, owner)) {
                    channel.close();
                }
            });
            synchronized (SessionReaper.class) {
                if (OWNERS.isEmpty()) {
                    running = false;
                    return;
                }
            }
        }
    }
}
