package org.multiprocessing4j.internal.launch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.multiprocessing4j.internal.Log;
import org.multiprocessing4j.internal.channel.ControlProtocol;
import org.multiprocessing4j.internal.wire.Frame;
import org.multiprocessing4j.internal.wire.FrameChannel;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Tells the parent how this child is ending, since the JDK reports both {@code System.exit(143)} and
 * death by SIGTERM as status 143. At most one report is sent:
 *
 * <ul>
 *   <li>SIGTERM, SIGINT or SIGHUP: EXIT_SIGNALLED, then the JVM halts at once with status 128 + N.
 *       As in Python, where the default action of SIGTERM kills the process, no exit handler runs;
 *       the child's own children see it die and exit too.
 *   <li>any orderly shutdown (the task returned or threw, or {@code System.exit}): EXIT_ORDERLY
 *       from a shutdown hook; the parent then takes the OS exit status as it is.
 * </ul>
 * After the report the control channel is closed. Besides telling the parent at once, this frees
 * the parent-watch thread from its blocking read: HotSpot's exit waits up to 300 ms for threads
 * that are in native code, and would otherwise wait for it on every exit.
 */
final class ExitReport {
    private static final String[] TERMINATING_SIGNALS = {"TERM", "INT", "HUP"};

    private final FrameChannel channel;
    private final AtomicBoolean sent = new AtomicBoolean();

    private ExitReport(FrameChannel channel) {
        this.channel = channel;
    }

    /** Installs the shutdown hook and the signal handlers that report through {@code channel}. */
    static ExitReport install(FrameChannel channel) {
        ExitReport report = new ExitReport(channel);
        // Signal handlers first: a SIGTERM that came between the two would otherwise run the
        // JVM's own handler, and the hook would call a terminated child an orderly exit.
        for (String name : TERMINATING_SIGNALS) {
            try {
                Signal.handle(new Signal(name), report.new SignalledExit());
            } catch (IllegalArgumentException e) {
                Log.debug("SIG" + name + " is reserved in this JVM (-Xrs?): " + e);
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(report.new OrderlyExit(), "mp4j-exit-report"));
        return report;
    }

    /** True once this JVM has started to exit in order or on a signal, and has told the parent. */
    boolean sent() {
        return sent.get();
    }

    // Classes rather than lambdas: the first lambda costs a child JVM milliseconds of start-up.
    private final class OrderlyExit implements Runnable {
        @Override
        public void run() {
            send(Frame.of(ControlProtocol.EXIT_ORDERLY));
        }
    }

    private final class SignalledExit implements SignalHandler {
        @Override
        public void handle(Signal signal) {
            int number = signal.getNumber();
            send(new Frame(ControlProtocol.EXIT_SIGNALLED,
                    ByteBuffer.allocate(Integer.BYTES).putInt(number).array()));
            Runtime.getRuntime().halt(SpawnPopen.SIGNAL_STATUS_BASE + number);
        }
    }

    private void send(Frame frame) {
        if (sent.compareAndSet(false, true)) {
            try (channel) {
                channel.write(frame);
            } catch (IOException e) {
                Log.debug("could not report the exit to the parent: " + e);
            }
        }
    }
}
