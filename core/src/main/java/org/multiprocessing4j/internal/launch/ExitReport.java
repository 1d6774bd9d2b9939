package org.multiprocessing4j.internal.launch;

import java.io.IOException;
import java.nio.file.Path;
import org.multiprocessing4j.internal.Log;
import org.multiprocessing4j.internal.channel.AuthKey;
import org.multiprocessing4j.internal.channel.ControlClient;
import org.multiprocessing4j.internal.channel.ControlProtocol;
import org.multiprocessing4j.internal.channel.Frame;
import org.multiprocessing4j.internal.channel.FrameChannel;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Makes sure the parent can tell how this child ended, although the JDK reports both
 * {@code System.exit(143)} and death by SIGTERM as status 143. The parent reads a status of 128 + N
 * as death by signal N unless the child has said otherwise, so:
 *
 * <ul>
 *   <li>SIGTERM, SIGINT or SIGHUP halt the JVM at once with status 128 + N. As in Python, where the
 *       default action of SIGTERM kills the process, no exit handler runs; the child's own children
 *       see it die and exit too.
 *   <li>an orderly shutdown whose status is known and cannot be mistaken for a signal's (the task
 *       returned or threw, which gives 0 or 1) says nothing, and costs nothing;
 *   <li>any other orderly shutdown ({@code System.exit(n)} called by the task, whose n only the JDK
 *       knows) connects to the parent from a shutdown hook and sends EXIT_ORDERLY.
 * </ul>
 */
final class ExitReport {
    private static final String[] TERMINATING_SIGNALS = {"TERM", "INT", "HUP"};
    /** No status passed to {@link #exitingWith} yet. */
    private static final int UNKNOWN = -1;
    private static final int STATUS_MASK = 0xff;

    private final Path socket;
    private final byte[] token;
    private volatile int status = UNKNOWN;

    private ExitReport(Path socket, byte[] token) {
        this.socket = socket;
        this.token = token.clone();
    }

    /**
     * Makes SIGTERM, SIGINT and SIGHUP halt this JVM at once: the first thing a child does, before it
     * waits for its task. A signal that came later, while the child read its task, ran the JVM's own
     * handler, whose orderly shutdown then ran the hook that {@link #install} had added meanwhile:
     * a child terminated right after its start reported an orderly exit with status 143, not -15.
     */
    static void haltOnTerminatingSignals() {
        for (String name : TERMINATING_SIGNALS) {
            try {
                Signal.handle(new Signal(name), new HaltOnSignal());
            } catch (IllegalArgumentException e) {
                Log.debug("SIG" + name + " is reserved in this JVM (-Xrs?): " + e);
            }
        }
    }

    /**
     * Installs the shutdown hook of a child whose parent listens on {@code socket}; the signal
     * handlers are in place already ({@link #haltOnTerminatingSignals}).
     */
    static ExitReport install(Path socket, byte[] token) {
        ExitReport report = new ExitReport(socket, token);
        Runtime.getRuntime().addShutdownHook(new Thread(report.new OrderlyExit(), "mp4j-exit-report"));
        return report;
    }

    /** Declares the status this JVM is about to exit with; call just before {@code System.exit}. */
    void exitingWith(int exitStatus) {
        status = exitStatus & STATUS_MASK;
    }

    // Classes rather than lambdas: the first lambda costs a child JVM milliseconds of start-up.
    private final class OrderlyExit implements Runnable {
        @Override
        public void run() {
            int known = status;
            if (known != UNKNOWN && !SpawnPopen.looksLikeSignal(known)) {
                return;
            }
            byte[] key = AuthKey.current();
            try (FrameChannel channel = ControlClient.connect(socket, key, token)) {
                channel.write(Frame.of(ControlProtocol.EXIT_ORDERLY));
            } catch (IOException e) {
                Log.debug("could not report the exit to the parent: " + e);
            } finally {
                AuthKey.wipe(key);
            }
        }
    }

    private static final class HaltOnSignal implements SignalHandler {
        @Override
        public void handle(Signal signal) {
            Runtime.getRuntime().halt(SpawnPopen.SIGNAL_STATUS_BASE + signal.getNumber());
        }
    }
}
