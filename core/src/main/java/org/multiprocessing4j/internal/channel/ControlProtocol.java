package org.multiprocessing4j.internal.channel;

/**
 * Frame types on the control channel from a child to its parent, in the order they flow:
 *
 * <ol>
 *   <li>handshake, both directions: CHALLENGE, RESPONSE, WELCOME or FAILURE ({@link Handshake});
 *   <li>child to parent: HELLO, with the child's one-time token;
 *   <li>child to parent, at most one: EXIT_ORDERLY when the child's JVM shuts down in order with an
 *       exit status that could be mistaken for a signal's; the parent then takes the status the OS
 *       reports as it is.
 * </ol>
 * The task itself reaches the child down its standard input, not here. A child that ends without a
 * report is judged by its OS exit status, which the JDK reports as 128 + N for signal N.
 */
public final class ControlProtocol {
    public static final byte CHALLENGE = 1;
    public static final byte RESPONSE = 2;
    public static final byte WELCOME = 3;
    public static final byte FAILURE = 4;
    public static final byte HELLO = 5;
    public static final byte EXIT_ORDERLY = 6;
    public static final byte MAX_TYPE = EXIT_ORDERLY;

    /** Payload limit until the peer has proved the key: nothing legitimate is larger. */
    public static final int MAX_HANDSHAKE_PAYLOAD = 256;
    /** Payload limit afterwards, and of the launch message, which carries the task and all it captured. */
    public static final int MAX_PAYLOAD = Integer.MAX_VALUE - 64;

    /** Length of the one-time token that ties a connection to the child it was made for. */
    public static final int TOKEN_LENGTH = 16;

    private ControlProtocol() {}
}
