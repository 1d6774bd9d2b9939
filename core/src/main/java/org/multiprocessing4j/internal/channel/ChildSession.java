package org.multiprocessing4j.internal.channel;

import java.io.IOException;

/** The parent's side of one child's control connection, once the child has authenticated. */
@FunctionalInterface
public interface ChildSession {
    /**
     * Serves the connection on the connection's own thread until the child closes it; the channel
     * is closed when this returns or throws.
     */
    void serve(FrameChannel channel) throws IOException;
}
