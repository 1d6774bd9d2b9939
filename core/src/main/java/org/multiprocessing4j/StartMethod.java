package org.multiprocessing4j;

/** How a child process is started (Python's start methods). */
public enum StartMethod {
    /**
     * A fresh JVM per child, started with the parent's {@code java} and class path: Python's
     * {@code spawn}. Nothing of the parent's state is inherited except what the task carries.
     */
    SPAWN
}
