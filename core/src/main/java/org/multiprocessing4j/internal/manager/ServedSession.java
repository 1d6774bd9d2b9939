package org.multiprocessing4j.internal.manager;

/**
 * The server's side of one client channel: the thread that serves it, and the calls it has begun,
 * numbered from 1 as the client numbers them, so that a client's interrupt
 * ({@link ManagerServer#INTERRUPT}) reaches the call it was meant for, whether or not that call
 * has begun, and no other.
 *
 * <p>Its methods are synchronized: the thread is interrupted only between {@link #begin} and
 * {@link #end}, and {@code end} clears the status before the reply is written, so neither the
 * write nor the wait for the next call sees an interrupt. An interrupt for a call that has ended
 * is dropped: the client asks for it before it reads that call's reply, and numbers grow.
 */
final class ServedSession {
    final long id;
    private final Thread thread;
    private long begun;
    private boolean running;
    /** The number of a call not yet begun that is to be interrupted when it begins; 0 for none. */
    private long interruptAtBegin;

    ServedSession(long id, Thread thread) {
        this.id = id;
        this.thread = thread;
    }

    /** Called by the session's thread before it runs a call. */
    synchronized void begin() {
        begun++;
        running = true;
        if (interruptAtBegin == begun) {
            thread.interrupt();
        }
    }

    /** Called by the session's thread once the call returned or threw: clears an interrupt it did not consume. */
    synchronized void end() {
        running = false;
        Thread.interrupted();
    }

    /** Interrupts call number {@code call}: now if it runs, when it begins if it has not. */
    synchronized void interrupt(long call) {
        if (running && call == begun) {
            thread.interrupt();
        } else if (call > begun) {
            interruptAtBegin = call;
        }
    }
}

