package org.multiprocessing4j;

import java.io.Serial;

/**
 * A pool task's result or exception could not be serialized to come back from its worker: Python's
 * {@code multiprocessing.pool.MaybeEncodingError}. It fails that task only; the worker goes on.
 *
 * <p>For an exception, this one carries its class name, message and stack trace: its message
 * begins with the original's {@code toString()}, and its own stack trace is the original's, in the
 * worker. The serialization error is the cause.
 */
public class MaybeEncodingException extends Exception {
    @Serial
    private static final long serialVersionUID = 1L;

    /** The class of the value or exception that could not be serialized. */
    private final String valueClass;

    /**
     * An exception naming what could not be sent.
     *
     * @param message what could not be serialized, and why
     * @param valueClass the class of the value or exception that could not be serialized
     * @param cause the serialization error
     */
    public MaybeEncodingException(String message, String valueClass, Throwable cause) {
        super(message, cause);
        this.valueClass = valueClass;
    }

    /**
     * The stand-in for a task's result that cannot be serialized.
     *
     * @param value the result
     * @param cause why it cannot be serialized
     * @return the exception that the task fails with instead
     */
    public static MaybeEncodingException ofResult(Object value, Throwable cause) {
        return new MaybeEncodingException("Error sending result of type " + value.getClass().getName()
                + ": " + cause.getMessage(), value.getClass().getName(), stripped(cause));
    }

    /**
     * The stand-in for an exception that a task threw and that cannot be serialized: it keeps the
     * original's description and stack trace.
     *
     * @param thrown what the task threw
     * @param cause why it cannot be serialized
     * @return the exception that the task fails with instead
     */
    public static MaybeEncodingException ofException(Throwable thrown, Throwable cause) {
        MaybeEncodingException stand = new MaybeEncodingException(thrown + " (the task's exception, which cannot"
                + " be serialized: " + cause.getMessage() + ")", thrown.getClass().getName(), stripped(cause));
        stand.setStackTrace(thrown.getStackTrace());
        return stand;
    }

    /**
     * The class of the value or exception that could not be serialized.
     *
     * @return its binary name
     */
    public String valueClass() {
        return valueClass;
    }

    /** The serialization error without its own cause chain, which may hold the unserializable value again. */
    private static Throwable stripped(Throwable cause) {
        IllegalArgumentException plain = new IllegalArgumentException(cause.getMessage());
        plain.setStackTrace(cause.getStackTrace());
        return plain;
    }
}
