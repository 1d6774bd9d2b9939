package org.multiprocessing4j.internal;

/**
 * The library's {@link System.Logger}, named {@code org.multiprocessing4j}, created on first use:
 * the logging framework is not worth initializing in a child that never logs.
 */
public final class Log {
    private Log() {}

    private static final class Holder {
        static final System.Logger LOGGER = System.getLogger("org.multiprocessing4j");
    }

    public static void debug(String message) {
        Holder.LOGGER.log(System.Logger.Level.DEBUG, message);
    }

    public static void warning(String message) {
        Holder.LOGGER.log(System.Logger.Level.WARNING, message);
    }

    public static void warning(String message, Throwable cause) {
        Holder.LOGGER.log(System.Logger.Level.WARNING, message, cause);
    }
}
