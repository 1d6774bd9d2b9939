package org.multiprocessing4j.internal.launch;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.nio.file.Path;
import org.multiprocessing4j.internal.channel.AuthKey;
import org.multiprocessing4j.internal.sys.JvmCommand;
import org.multiprocessing4j.internal.wire.Codec;

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
 * The only argument is the parent's control socket, which this child connects to only if it has
 * something to tell its parent.
 *
 * <p>Start-up cost is the price of every child, so this class loads as little as it can.
 */
public final class ChildMain {
    /** Exit status when the child could not read its task. */
    public static final int EXIT_BOOTSTRAP_FAILED = 70;
    /** Exit status of a child halted because its parent is gone; nobody is left to read it. */
    public static final int EXIT_PARENT_GONE = 1;

    private ChildMain() {}

    public static void main(String[] args) {
        JvmCommand.deleteArgumentFile();
        if (args.length != 1) {
            System.err.println("multiprocessing4j: " + ChildMain.class.getName()
                    + " is started by the library for a child process, with one argument");
            System.exit(EXIT_BOOTSTRAP_FAILED);
        }
        Path socket = Path.of(args[0]);
        BootMessage boot = null;
        ChildTask task;
        ExitReport report;
        try {
            boot = BootMessage.read(System.in);
            AuthKey.inherit(boot.key());
            ParentWatch.start(boot.parentPid(), socket);
            report = ExitReport.install(socket, boot.token());
            if (!(Codec.decode(boot.task()) instanceof ChildTask decoded)) {
                throw new InvalidObjectException("the launch message holds no task");
            }
            task = decoded;
        } catch (IOException | RuntimeException | LinkageError e) {
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
}
