package org.multiprocessing4j.internal.manager;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import jdk.net.ExtendedSocketOptions;
import org.multiprocessing4j.BrokenPipeException;
import org.multiprocessing4j.Connection;
import org.multiprocessing4j.internal.channel.Frame;
import org.multiprocessing4j.internal.channel.FrameChannel;

/**
 * One connection between a manager's client and its server, either way round: a duplex
 * {@link Connection} in shared memory for a manager on this machine, a TCP socket framed and
 * checked by {@link FrameChannel} for one reached over the network. One call is in flight on a
 * channel at a time.
 */
interface Channel extends AutoCloseable {
    /** The only frame type on a manager's socket. */
    byte MESSAGE = 1;
    /** The largest call or reply a socket carries; a longer frame is refused, not allocated. */
    int MAX_FRAME = 64 << 20;
    /** Seconds a socket may be idle before keep-alive probes begin. */
    int KEEPALIVE_IDLE_SECONDS = 5;
    /** Unanswered probes, a second apart, after which the peer is taken for gone. */
    int KEEPALIVE_PROBES = 3;

    /**
     * What both sides of a manager's socket set: calls and replies go at once (no Nagle delay), and
     * keep-alive probes find a peer whose machine or network went away within
     * {@link #KEEPALIVE_IDLE_SECONDS} plus {@link #KEEPALIVE_PROBES} seconds, so that neither a
     * client's call nor a server's thread waits for ever on it.
     */
    static void tune(SocketChannel socket) throws IOException {
        socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
        socket.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        socket.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, KEEPALIVE_IDLE_SECONDS);
        socket.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, 1);
        socket.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, KEEPALIVE_PROBES);
    }

    /**
     * The next message.
     *
     * @throws EOFException once the other side is gone
     */
    byte[] receive() throws IOException;

    /** Sends a message; throws if the other side is gone. */
    void send(byte[] message) throws IOException;

    @Override
    void close();

    /** A duplex pipe end in shared memory. */
    record OverPipe(Connection end) implements Channel {
        @Override
        public byte[] receive() throws IOException {
            return end.recvBytes();
        }

        @Override
        public void send(byte[] message) throws IOException {
            try {
                end.sendBytes(message);
            } catch (BrokenPipeException e) {
                throw new EOFException(e.getMessage());
            }
        }

        @Override
        public void close() {
            end.close();
        }
    }

    /** A TCP socket, after the handshake. */
    record OverSocket(SocketChannel socket, FrameChannel frames) implements Channel {
        static OverSocket of(SocketChannel socket) {
            return new OverSocket(socket, new FrameChannel(socket, MESSAGE, MAX_FRAME));
        }

        @Override
        public byte[] receive() throws IOException {
            Frame frame = frames.read();
            if (frame == null) {
                throw new EOFException("the other side closed the connection");
            }
            return frame.payload();
        }

        @Override
        public void send(byte[] message) throws IOException {
            frames.write(new Frame(MESSAGE, message));
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closed as far as this side can tell
            }
        }
    }
}
