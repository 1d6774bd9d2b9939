package org.multiprocessing4j.internal.launch;

import java.nio.file.Path;
import java.util.Optional;
import org.multiprocessing4j.internal.channel.ControlServer;

/**
 * Halts this child when its parent is gone, however the parent died, so that no child outlives it.
 *
 * <p>A dead parent's children are handed to another process (init or a subreaper), so the parent is
 * gone once this process's parent pid is no longer the one it was started by; a reused pid cannot
 * fool the test. It is looked at every {@link #PERIOD_MILLIS}, from a daemon thread that sleeps in
 * between rather than blocking in a read: HotSpot's exit waits up to 300 ms for threads that are in
 * native code, and would otherwise wait on every exit of every child.
 *
 * <p>Before halting, the child kills its own descendants, all at once, closes its own control
 * server, and removes the parent's control socket directory, which a dead parent cannot.
 */
public final class ParentWatch implements Runnable {
    /** How often the parent is looked for; well within the promised second. */
    static final long PERIOD_MILLIS = 100;

    private final long parentPid;
    private final Path socket;

    ParentWatch(long parentPid, Path socket) {
        this.parentPid = parentPid;
        this.socket = socket;
    }

    /** Starts watching on a daemon thread. */
    static void start(long parentPid, Path socket) {
        Thread watch = new Thread(new ParentWatch(parentPid, socket), "mp4j-parent-watch");
        watch.setDaemon(true);
        watch.start();
    }

    /** True while the process that started this one is still its parent. */
    static boolean parentAlive(long parentPid) {
        return parent(parentPid).isPresent();
    }

    /**
     * The process {@code parentPid} that started this one, while it is still this process's parent;
     * empty once it has ended, whatever process has its pid by then.
     */
    public static Optional<ProcessHandle> parent(long parentPid) {
        return ProcessHandle.current().parent().filter(parent -> parent.pid() == parentPid);
    }

    @Override
    public void run() {
        try {
            while (parentAlive(parentPid)) {
                Thread.sleep(PERIOD_MILLIS);
            }
        } catch (InterruptedException e) {
            return; // nobody interrupts this thread but a JVM on its way out
        }
        haltOrphan(socket);
    }

    /**
     * Halts this process, whose parent is gone, and everything below it, and removes the control
     * directory of the parent, which a dead parent cannot.
     */
    static void haltOrphan(Path socket) {
        // Every descendant goes now, at any depth, rather than each level a period after the one
        // above: a chain of five would otherwise take five periods and five halts.
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
        ControlServer.closeForHalt();
        ControlServer.removeDirectoryOf(socket);
        Runtime.getRuntime().halt(ChildMain.EXIT_PARENT_GONE);
    }
}
