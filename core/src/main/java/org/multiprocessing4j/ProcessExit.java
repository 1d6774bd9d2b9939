package org.multiprocessing4j;

import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.multiprocessing4j.internal.launch.UserThreads;

/**
 * Python's {@code util._exit_function}: when a program ends, its daemon children are terminated and
 * then every child is waited for.
 *
 * <p>A Java program ends in two ways, and both are covered once the first child has started:
 * <ul>
 *   <li>its last non-daemon thread ends. In the main process a watcher thread waits for every other
 *       non-daemon thread, then runs the exit function; being non-daemon itself, it holds the JVM
 *       open until the children it waits for have ended. In a child, {@code Process.bootstrap} does
 *       the same after {@code run()}.
 *   <li>{@code System.exit} or a signal: a shutdown hook runs the exit function. When the shutdown
 *       comes from SIGTERM, SIGINT or SIGHUP it does not wait for non-daemon children: a signalled
 *       JVM should end promptly, and its children end with it (they notice their parent is gone).
 * </ul>
 */
final class ProcessExit {
    /** Names of the JDK threads that run a shutdown started by a signal. */
    private static final Set<String> SIGNAL_THREADS = Set.of("SIGTERM handler", "SIGINT handler", "SIGHUP handler");

    private static final AtomicBoolean installed = new AtomicBoolean();

    private ProcessExit() {}

    /** Installs the shutdown hook, and in a main process the watcher; only the first call acts. */
    static void installOnce(boolean mainProcess) {
        if (!installed.compareAndSet(false, true)) {
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(new AtShutdown(), "mp4j-exit"));
        if (mainProcess) {
            new Thread(new WhenProgramEnds(), "mp4j-exit-watch").start();
        }
    }

    /** Terminates the daemon children, then waits for all children to end. */
    static void run() throws InterruptedException {
        terminateDaemons();
        for (Process child : ProcessTree.activeChildren()) {
            child.join();
        }
    }

    // Classes rather than lambdas: a child installs these, and its first lambda costs start-up time.
    private static final class AtShutdown implements Runnable {
        @Override
        public void run() {
            try {
                if (ProcessTree.activeChildren().isEmpty()) {
                    return; // the common case in a child; spares it a walk of every thread's stack
                }
                if (startedBySignal()) {
                    terminateDaemons();
                } else {
                    ProcessExit.run();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A non-daemon thread: it keeps the JVM up until the children it waits for have ended. */
    private static final class WhenProgramEnds implements Runnable {
        @Override
        public void run() {
            try {
                UserThreads.awaitOthers();
                ProcessExit.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void terminateDaemons() {
        for (Process child : ProcessTree.activeChildren()) {
            if (child.isDaemon()) {
                child.terminate();
            }
        }
    }

    private static boolean startedBySignal() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && SIGNAL_THREADS.contains(t.getName())) {
                return true;
            }
        }
        return false;
    }
}
