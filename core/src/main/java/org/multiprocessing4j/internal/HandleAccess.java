package org.multiprocessing4j.internal;

import org.multiprocessing4j.Connection;

/**
 * What the library's internal packages may do to a public handle beyond its API, as the JDK's
 * {@code SharedSecrets}: the public class hands over the implementation in its static initializer,
 * which has run by the time anyone holds one of its handles.
 */
public final class HandleAccess {
    /** A {@link Connection}'s internals. */
    public interface Connections {
        /**
         * Closes {@code end} and leaves its pipe's shared memory now, though this process wrote its
         * descriptor: for a pipe whose only other holder is a manager's server, which will not attach
         * to it again. Its file goes once the server has left it too.
         */
        void retire(Connection end);
    }

    private static volatile Connections connections;

    private HandleAccess() {}

    /** Called once, by {@link Connection}'s static initializer. */
    public static void setConnections(Connections access) {
        connections = access;
    }

    public static Connections connections() {
        return connections;
    }
}
