package org.multiprocessing4j.internal.manager;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Closes the channels that nobody will use again: those of client threads that have ended, and
 * those to a server on this machine that is gone. So the server's thread for a channel sees its end
 * and ends too, and the channel's shared memory is freed.
 *
 * <p>Each thread that calls a manager has a channel of its own ({@link ManagerClient}), and the
 * server a thread for each channel. Without this, a process that runs many short threads (a thread
 * per request, virtual threads) left a thread and a connection on the server for every one of them,
 * and over TCP a socket here: 600 short threads, 600 server threads. A program that started and
 * closed managers one after another kept three shared-memory files of each. Python closes such a
 * connection when the thread's local storage is collected; Java has no hook at a thread's end, so a
 * daemon thread looks every {@link #LOOK} at the clients that hold channels, and runs only while
 * some do.
 */
final class SessionReaper {
    /** How often the clients are looked at: a channel outlives its thread, or its server, by at most this. */
    static final Duration LOOK = Duration.ofSeconds(1);
    /** The clients with open channels. */
    private static final Set<ManagerClient> WATCHED = ConcurrentHashMap.newKeySet();
    /** Whether the reaping thread runs; guarded by the class. */
    private static boolean running;

    private SessionReaper() {}

    /** Looks at {@code client}'s channels from now on, until it has none ({@link ManagerClient#reap}). */
    static void watch(ManagerClient client) {
        WATCHED.add(client);
        synchronized (SessionReaper.class) {
            if (!running) {
                running = true;
                Thread.ofPlatform().daemon().name("mp4j-manager-sessions").start(SessionReaper::reap);
            }
        }
    }

    /** Until no client is watched: closes the channels nobody will use. */
    private static void reap() {
        while (true) {
            try {
                Thread.sleep(LOOK);
            } catch (InterruptedException e) {
                // a daemon thread of the library's own: nobody interrupts it but the JVM's end
            }
            for (ManagerClient client : WATCHED) {
                if (!client.reap()) {
                    WATCHED.remove(client);
                    if (client.hasChannels()) {
                        WATCHED.add(client); // one opened since reap looked, whose watch found the client still here
                    }
                }
            }
            synchronized (SessionReaper.class) {
                if (WATCHED.isEmpty()) {
                    running = false;
                    return;
                }
            }
        }
    }
}
