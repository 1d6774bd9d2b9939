package org.multiprocessing4j.internal.manager;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import jdk.net.ExtendedSocketOptions;
import org.multiprocessing4j.BrokenPipeException;
import org.multiprocessing4j.Connection;
import org.multiprocessing4j.internal.HandleAccess;
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
    /**
     * How long a TCP connection may take to be made and to prove the key, on either side, before it
     * is given up: a client then fails with {@link java.net.SocketTimeoutException}, and a server
     * closes a peer that said nothing.
     */
    java.time.Duration HANDSHAKE_TIMEOUT = java.time.Duration.ofSeconds(10);
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
     * What a client's thread does while its call waits on the channel, each time the wait is cut
     * short by an interrupt or has lasted {@link ManagerClient#LOOK}: takes the interrupt status
     * and checks on the server (see {@link ManagerClient}).
     */
    @FunctionalInterface
    interface Idle {
        /** Runs between two waits; throws if the server is gone. */
        void run() throws IOException;

        /** Whether it must also run every {@link ManagerClient#LOOK} without an interrupt, to see a server that is gone. */
        default boolean looksAtServer() {
            return false;
        }
    }

    /**
     * The next message, for the server's side, whose thread no one interrupts between calls.
     *
     * @throws EOFException once the other side is gone
     */
    byte[] receive() throws IOException;

    /** Sends a message, for the server's side; throws if the other side is gone. */
    void send(byte[] message) throws IOException;

    /**
     * For a client's side: sends {@code request} and returns the reply. The waits do not end at an
     * interrupt, but run {@code idle} and go on.
     *
     * @throws EOFException once the other side is gone
     */
    byte[] call(byte[] request, Idle idle) throws IOException;

    @Override
    void close();

    /**
     * Closes the channel for good, on a client's side: as {@link #close}, and a pipe's shared
     * memory is left at once, though this process wrote the descriptor of the server's end.
     */
    default void retire() {
        close();
    }

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

        /**
         * Waits for the reply in slices while {@code idle} must look at the server; after that, in
         * the ring's own wait, which an interrupt ends before it takes anything. The send waits
         * only while the ring is full, which a server that reads its calls does not leave it.
         */
        @Override
        public byte[] call(byte[] request, Idle idle) throws IOException {
            send(request);
            while (true) {
                if (idle.looksAtServer()) {
                    while (!end.poll(ManagerClient.LOOK)) {
                        idle.run();
                    }
                }
                try {
                    return end.recvBytes();
                } catch (IllegalStateException e) {
                    if (!(e.getCause() instanceof InterruptedException)) {
                        throw e;
                    }
                    idle.run();
                }
            }
        }

        @Override
        public void close() {
            end.close();
        }

        @Override
        public void retire() {
            HandleAccess.connections().retire(end);
        }
    }

    /**
     * A TCP socket, after the handshake: the server's, a blocking channel, whose thread is
     * interrupted only within a call; or a client's, {@link SocketStreams}, which an interrupt
     * does not close.
     */
    record OverSocket(ByteChannel socket, FrameChannel frames) implements Channel {
        static OverSocket of(ByteChannel socket) {
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
        public byte[] call(byte[] request, Idle idle) throws IOException {
            ((SocketStreams) socket).idle(idle);
            send(request);
            return receive();
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
