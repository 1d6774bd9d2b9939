package org.multiprocessing4j.internal.launch;

/**
 * The JVM's non-daemon threads, which decide when a Java program is finished. Plain loops, no
 * streams: this runs at the end of every child, where start-up costs still count.
 */
public final class UserThreads {
    /** Room for threads started between counting and enumerating. */
    private static final int ENUMERATION_SLACK = 16;

    private UserThreads() {}

    /**
     * Blocks until every live non-daemon platform thread other than the caller has ended, as
     * Python's {@code threading._shutdown()}. Virtual threads are always daemons.
     */
    public static void awaitOthers() throws InterruptedException {
        Thread other;
        while ((other = anyOther()) != null) {
            other.join();
        }
    }

    /** A live non-daemon thread other than the caller, or null. */
    private static Thread anyOther() {
        Thread self = Thread.currentThread();
        ThreadGroup root = self.getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] threads = new Thread[root.activeCount() + ENUMERATION_SLACK];
        int n = root.enumerate(threads, true);
        for (int i = 0; i < n; i++) {
            Thread t = threads[i];
            if (t != self && t.isAlive() && !t.isDaemon()) {
                return t;
            }
        }
        return null;
    }
}
