package org.multiprocessing4j;

import java.io.Serial;

/**
 * The worker process that ran a pool task died before the task's result came back: it called
 * {@code System.exit}, was killed, crashed, or ran out of memory. Only the task (or the chunk of a
 * map) it was running fails with this; the pool starts a new worker in its place, and nothing
 * waits for ever. CPython's Pool loses such a task and hangs its caller (gh-66587).
 */
public class WorkerDiedException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** How the worker ended, as {@link Process#exitCode()} gives it. */
    private final int exitCode;

    /**
     * An exception for a worker that ended with {@code exitCode}.
     *
     * @param message which worker, how it ended, what it was running
     * @param exitCode its exit code as {@link Process#exitCode()} gives it: n after
     *     {@code System.exit(n)}, 1 after an uncaught error, -N when killed by signal N
     */
    public WorkerDiedException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    /**
     * How the worker ended.
     *
     * @return its exit code, as {@link Process#exitCode()} gives it
     */
    public int exitCode() {
        return exitCode;
    }
}
