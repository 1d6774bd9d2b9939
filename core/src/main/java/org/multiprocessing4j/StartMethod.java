package org.multiprocessing4j;

/** How a child process is started (Python's start methods). */
public enum StartMethod {
    /**
     * A fresh JVM per child, started with the parent's {@code java} and class path: Python's
     * {@code spawn}. Nothing of the parent's state is inherited except what the task carries.
     */
    SPAWN,

    /**
     * A JVM started ahead of time per child, as Python's {@code forkserver} forks from a server
     * started ahead of time: spare JVMs for the application's class path (and for each set of JVM
     * options in use) have already started, loaded the library and wait, idle; {@code start()}
     * hands the process to one of them and another is started in the background. So no JVM starts
     * on the caller's path, and a child is running its task within milliseconds.
     *
     * <p>A spare is never reused: each process still gets a fresh JVM, with nothing of another
     * task's state, and everything said of SPAWN holds: the JVM has the same command line as SPAWN
     * would give it, only started earlier. How many
     * spares wait, and for how long, is set on the context ({@link Context#setSpares},
     * {@link Context#setSpareIdleTimeout}). Spares exit when they have waited too long, when their
     * parent's program ends, and when their parent dies, even by SIGKILL.
     */
    PRESPAWN
}
