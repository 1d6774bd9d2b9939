package org.multiprocessing4j.internal.channel;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import org.multiprocessing4j.internal.wire.Frame;
import org.multiprocessing4j.internal.wire.FrameChannel;

/**
 * A child's end of its control channel: connects to the parent's {@link ControlServer}, proves the
 * authkey both ways ({@link Handshake}) and presents the child's one-time token.
 *
 * <p>A child connects only when it has something to tell that its exit status cannot. Opening the
 * first Unix domain socket in a JVM costs tens of milliseconds (the JDK seeds a {@code SecureRandom}
 * for it), so a child that needs no channel never pays for one.
 */
public final class ControlClient {
    private ControlClient() {}

    /**
     * Connects and authenticates.
     *
     * @return the channel, ready for the frames that follow HELLO
     * @throws IOException if the parent cannot be reached or the handshake fails
     */
    public static FrameChannel connect(Path socket, byte[] key, byte[] token) throws IOException {
        SocketChannel peer = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            peer.connect(UnixDomainSocketAddress.of(socket));
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
}
