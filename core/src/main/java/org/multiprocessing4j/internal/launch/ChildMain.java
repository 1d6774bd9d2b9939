package org.multiprocessing4j.internal.launch;

import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidObjectException;
import java.io.PushbackInputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.multiprocessing4j.internal.channel.AuthKey;
import org.multiprocessing4j.internal.channel.ControlServer;
import org.multiprocessing4j.internal.shm.SharedMemoryWarmUp;
import org.multiprocessing4j.internal.sys.Futex;
import org.multiprocessing4j.internal.sys.JvmCommand;
import org.multiprocessing4j.internal.wire.Codec;
import sun.misc.Signal;

/**
 * The entry point of every child JVM, as CPython's {@code spawn_main}.
 *
 * <ol>
 *   <li>reads the {@link BootMessage} from standard input: the authkey, its one-time token for the
 *       control channel, the parent's pid and the {@link ChildTask};
 *   <li>starts watching the parent ({@link ParentWatch}) and installs the exit report
 *       ({@link ExitReport});
 *   <li>tells its parent it has started ({@link BootReport}), runs the task and exits with the
 *       status it returns.
 * </ol>
 * The first argument is the parent's control socket, which this child connects to only if it has
 * something to tell its parent. A {@link Spares spare} has a second, {@link #SPARE}, and a third, its
 * parent's pid, which it watches from its start: it waits for its message, which may never come
 * ({@link #awaitTask}).
 *
 * <p>Start-up cost is the price of every child, so this class loads as little as it can.
 */
public final class ChildMain {
    /** Exit status when the child could not read its task. */
    public static final int EXIT_BOOTSTRAP_FAILED = 70;
    /** Exit status of a child halted because its parent is gone; nobody is left to read it. */
    public static final int EXIT_PARENT_GONE = 1;
    /** The second argument of a {@link Spares spare}; the third is its parent's pid. */
    static final String SPARE = "--spare";
    private static final int SPARE_ARGUMENTS = 3;
    /** What a child initializes on its way to its task and out, which a spare does while it waits. */
    private static final List<Class<?>> USED_AT_START = List.of(AuthKey.class, ParentWatch.class, ExitReport.class,
            BootReport.class, SourceProgram.class, Signal.class);

    private ChildMain() {}

    public static void main(String[] args) {
        ExitReport.haltOnTerminatingSignals();
        JvmCommand.deleteArgumentFile();
        boolean spare = args.length == SPARE_ARGUMENTS && args[1].equals(SPARE);
        if (args.length != 1 && !spare) {
            System.err.println("multiprocessing4j: " + ChildMain.class.getName()
                    + " is started by the library for a child process, with one argument");
            System.exit(EXIT_BOOTSTRAP_FAILED);
        }
        Path socket = Path.of(args[0]);
        long spareParent = spare ? Long.parseLong(args[2]) : 0;
        if (spare) {
            // A spare's parent is watched from here, not from its task's arrival: on a loaded machine
            // its preparation takes hundreds of milliseconds, and a parent that dies meanwhile must
            // be seen within a period (measured with four busy loops on two cores: 0.85-0.89 s
            // from the parent's SIGKILL to the spare's exit, against 0.89-1.31 s).
            ParentWatch.start(spareParent, socket);
        }
        BootMessage boot = null;
        ChildTask task;
        ExitReport report;
        try {
            InputStream in = spare ? awaitTask(socket) : System.in;
            if (in == null) {
                return; // a spare that was dismissed
            }
            boot = BootMessage.read(in);
            if (boot.holdsRings()) {
                Futex.linkInBackground(); // beside the task's decoding (BootMessage); a spare may have linked
            }
            AuthKey.inherit(boot.key());
            if (!spare) {
                ParentWatch.start(boot.parentPid(), socket);
            }
            report = ExitReport.install(socket, boot.token());
            if (!(Codec.decode(boot.task()) instanceof ChildTask decoded)) {
                throw new InvalidObjectException("the launch message holds no task");
            }
            task = decoded;
        } catch (IOException | RuntimeException | LinkageError e) {
            long parentPid = boot != null ? boot.parentPid() : spare ? spareParent : ControlServer.ownerPid(socket);
            if (parentPid > 0 && !ParentWatch.parentAlive(parentPid)) {
                // The parent died as this child started (its launch cut short, or the segments it
                // names gone with it): a child whose parent is gone halts, and nobody is left to read why.
                ParentWatch.haltOrphan(socket);
            }
            String error = e.toString();
            System.err.println("multiprocessing4j: child " + ProcessHandle.current().pid() + " could not start: " + error);
            if (boot != null) {
                BootReport.failed(BootReport.marker(socket, boot.token()), error);
            }
            Runtime.getRuntime().halt(EXIT_BOOTSTRAP_FAILED);
            return;
        }
        BootReport.started(BootReport.marker(socket, boot.token()));
        AuthKey.wipe(boot.key());
        int status = task.runInChild();
        report.exitingWith(status);
        if (status != 0) {
            System.exit(status);
        }
        // Returning ends the JVM with status 0 once the task's non-daemon threads, which the task
        // has already waited for, are gone. System.exit would also do, but it first looks up a
        // System.Logger to log the call, and the first logger costs a fresh JVM milliseconds.
    }

    /**
     * A spare prepares itself here on the task its parent sent first to warm it up
     * ({@link ChildTask#prepare}), and, until its task comes, for targets that hold shared state
     * ({@link SharedMemoryWarmUp}) and for what most targets use first, printing among it
     * ({@link TargetWarmUp}), while it waits for the next byte of its input, one of: the start of
     * its {@link BootMessage}, which is then read from the stream returned; {@link BootMessage#DISMISS},
     * for which it returns null; or the end of its input, which means that its parent is gone, and
     * it halts.
     */
    private static InputStream awaitTask(Path socket) throws IOException {
        if (Codec.decode(BootMessage.read(System.in).task()) instanceof ChildTask warmUp) {
            warmUp.prepare();
        }
        ChildTask.initialize(USED_AT_START);
        // On a thread of its own, so that the end of the input (a parent gone) is seen at once.
        AtomicBoolean inputCame = new AtomicBoolean();
        Thread.ofPlatform().daemon().name("mp4j-spare-warm-up").start(() -> {
            SharedMemoryWarmUp.exercise(inputCame::get);
            TargetWarmUp.exercise(inputCame::get);
        });
        PushbackInputStream in = new PushbackInputStream(System.in);
        int first = in.read();
        inputCame.set(true);
        if (first == BootMessage.DISMISS) {
            return null;
        }
        if (first < 0) {
            ParentWatch.haltOrphan(socket);
        }
        in.unread(first);
        return in;
    }
}
