package org.multiprocessing4j.internal.launch;

import java.io.Serializable;
import java.util.List;

/**
 * What a parent sends to a new child in its {@link BootMessage}: the process to become, with what the child
 * must know of its parent. The implementation lives with the public {@code Process}, which is the
 * one thing the launch layer runs.
 */
public interface ChildTask extends Serializable {
    /**
     * Runs in the child after it has authenticated: becomes the process, runs it, waits for the
     * process's non-daemon threads and children as Python's {@code _bootstrap} does.
     *
     * @return the exit status the child JVM should end with
     */
    int runInChild();

    /**
     * Runs in a spare JVM ({@code Spares}) on a task decoded only to warm it up, before its real
     * task comes: loads and initializes what {@link #runInChild} and the exit after it will need,
     * with no effect that a task could see. The default does nothing.
     */
    default void prepare() {}

    /**
     * Loads and initializes {@code classes}, for a {@link #prepare}: their static initializers run
     * now rather than on the way of a task.
     */
    static void initialize(List<Class<?>> classes) {
        for (Class<?> used : classes) {
            try {
                Class.forName(used.getName(), true, used.getClassLoader());
            } catch (ClassNotFoundException impossible) {
                throw new AssertionError(impossible); // loaded already: it is named by a class literal
            }
        }
    }
}
