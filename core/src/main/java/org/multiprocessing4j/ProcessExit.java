package org.multiprocessing4j;

import java.util.concurrent.atomic.AtomicBoolean;
import org.multiprocessing4j.internal.Log;
import org.multiprocessing4j.internal.channel.ControlServer;
import org.multiprocessing4j.internal.launch.SourceProgram;
import org.multiprocessing4j.internal.launch.SpawnPopen;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Python's {@code util._exit_function}: when a program ends, its pools are terminated (as Python's
 * pool finalizers do), its daemon children are terminated, and then every child is waited for.
 *
 * <p>A Java program ends when its last non-daemon thread ends, or by {@code System.exit} or a
 * signal. All three run the JVM's shutdown hooks, so one hook, installed with the first child,
 * covers them all. It holds no thread of its own before that: a host that joins the threads of the
 * program it runs ({@code mvn exec:java} joins every non-daemon thread it finds) must never find a
 * thread of ours that waits for it in turn. In a child, {@code Process.bootstrap} runs the same
 * exit function after {@code run()}. Last, the hook closes the control server and deletes its
 * socket, whatever children still run.
 *
 * <p>When the shutdown comes from SIGTERM, SIGINT or SIGHUP, the hook does not wait for non-daemon
 * children: a signalled JVM should end promptly, and its children end with it (they notice their
 * parent is gone). It knows the signal from handlers of its own that note it and then call the
 * handlers they replaced; a program that installs its own handlers later, or runs with
 * {@code -Xrs}, is taken to end normally. A signal that comes while the hook already waits for the
 * children (the program ended, and a child runs on) interrupts that wait, as Python's default
 * handlers end a program that waits in its exit function: the JVM's own handler would block, since
 * a shutdown is under way, and the program would wait on. The hook writes {@link #waiting} before
 * it reads {@link #signalled}, and a handler writes {@code signalled} before it reads
 * {@code waiting}, both volatile, so at least one of them sees the other.
 */
final class ProcessExit {
    private static final String[] TERMINATING_SIGNALS = {"TERM", "INT", "HUP"};

    private static final AtomicBoolean installed = new AtomicBoolean();
    private static volatile boolean signalled;
    /** The hook's thread while it waits for the children, for a terminating signal to interrupt. */
    private static volatile Thread waiting;

    private ProcessExit() {}

    /** Installs the shutdown hook, and in a main process the signal notes; only the first call acts. */
    static void installOnce(boolean mainProcess) {
        if (!installed.compareAndSet(false, true)) {
            return;
        }
        if (mainProcess) {
            for (String name : TERMINATING_SIGNALS) {
                NoteSignal.install(name);
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(new AtShutdown(), "mp4j-exit"));
    }

    /** Terminates the pools and the daemon children, then waits for all children to end. */
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
                    return;
                }
                waitForChildrenUnlessSignalled();
            } finally {
                SourceProgram.deleteCompiled(); // children that still run may still load from it
                // This JVM ends now. Children that run on find their parent gone, and none can reach
                // this server any more; one that the same signal killed would not delete its files.
                ControlServer.closeForHalt();
            }
        }

        private static void waitForChildrenUnlessSignalled() {
            waiting = Thread.currentThread();
            try {
                if (!signalled) {
                    ProcessExit.run();
                    return;
                }
            } catch (InterruptedException signalCame) {
                Thread.interrupted(); // cleared again, in case the signal came after the wait had ended
            } finally {
                waiting = null;
            }
            terminateDaemons();
        }
    }

    /** Notes that a terminating signal came, then does what the handler it replaced did. */
    private static final class NoteSignal implements SignalHandler {
        /** Set right after installing; a signal that comes before exits as the JVM's own handler would. */
        private volatile SignalHandler replaced;

        static void install(String name) {
            Signal signal = new Signal(name);
            NoteSignal note = new NoteSignal();
            try {
                SignalHandler previous = Signal.handle(signal, note);
                if (previous == SignalHandler.SIG_DFL || previous == SignalHandler.SIG_IGN) {
                    Signal.handle(signal, previous); // nothing to chain to: leave it as it was
                } else {
                    note.replaced = previous;
                }
            } catch (IllegalArgumentException e) {
                Log.debug("SIG" + name + " is reserved in this JVM (-Xrs?): " + e);
            }
        }

        @Override
        public void handle(Signal signal) {
            signalled = true;
            Thread hook = waiting;
            if (hook != null) {
                hook.interrupt();
            }
            SignalHandler r = replaced;
            if (r != null) {
                r.handle(signal);
            } else {
                System.exit(SpawnPopen.SIGNAL_STATUS_BASE + signal.getNumber());
            }
        }
    }

    /**
     * Terminates the pools first, so that none replaces a worker that is terminated here, then the
     * daemon children.
     */
    private static void terminateDaemons() {
        Pool.terminateAll();
        for (Process child : ProcessTree.activeChildren()) {
            if (child.isDaemon()) {
                child.terminate();
            }
        }
    }
}
