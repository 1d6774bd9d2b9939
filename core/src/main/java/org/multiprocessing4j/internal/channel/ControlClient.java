package org.multiprocessing4j.internal.channel;

import java.io.IOException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A child's end of its control channel: connects to the parent's {@link ControlServer}, proves the
 * authkey both ways ({@link Handshake}) and presents the child's one-time token.
 *
 * <p>A child connects only when it has something to tell that its exit status cannot. Opening the
 * first Unix domain socket in a JVM costs tens of milliseconds (the JDK seeds a {@code SecureRandom}
 * for it), so a child that needs no channel never pays for one. The parent binds its socket in the
 * background while the child starts, so a connection is retried until it appears, for at most
 * {@link #PATIENCE}.
 */
public final class ControlClient {
    /** How long a child waits for its parent's control socket to appear. */
    static final Duration PATIENCE = Duration.ofSeconds(5);
    private static final long RETRY_MILLIS = 5;

    private ControlClient() {}

    /**
     * Connects and authenticates.
     *
     * @return the channel, ready for the frames that follow HELLO
     * @throws IOException if the parent cannot be reached or the handshake fails
     */
    public static FrameChannel connect(Path socket, byte[] key, byte[] token) throws IOException {
        SocketChannel peer = connected(socket);
        try {
            FrameChannel unauthenticated =
                    new FrameChannel(peer, ControlProtocol.MAX_TYPE, ControlProtocol.MAX_HANDSHAKE_PAYLOAD);
            Handshake.asClient(unauthenticated, key);
            unauthenticated.write(new Frame(ControlProtocol.HELLO, token));
            return new FrameChannel(peer, ControlProtocol.MAX_TYPE, ControlProtocol.MAX_PAYLOAD);
        } catch (IOException | RuntimeException e) {
            peer.close();
            throw e;
        }
    }

    /** A channel connected to {@code socket}, once it is there, or the last failure after {@link #PATIENCE}. */
    static SocketChannel connected(Path socket) throws IOException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            SocketChannel peer = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                peer.connect(UnixDomainSocketAddress.of(socket));
                return peer;
            } catch (SocketException notYetThere) {
                peer.close();
                if (System.nanoTime() - deadline >= 0) {
                    throw notYetThere;
                }
            } catch (IOException | RuntimeException e) {
                peer.close();
                throw e;
            }
            try {
                Thread.sleep(RETRY_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the control socket " + socket, e);
            }
        }
    }
}
