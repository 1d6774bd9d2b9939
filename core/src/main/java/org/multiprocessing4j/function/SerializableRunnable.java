package org.multiprocessing4j.function;

import java.io.Serializable;

/**
 * A task with no result that can be sent to another process: a lambda of this type is compiled as
 * serializable, and so are the arguments it captures, which travel with it.
 */
@FunctionalInterface
public interface SerializableRunnable extends Serializable {
    /**
     * Runs the task.
     *
     * @throws Exception anything the task throws; in a child process it ends the process with
     *     exit code 1, as an uncaught exception does in Python
     */
    void run() throws Exception;
}
