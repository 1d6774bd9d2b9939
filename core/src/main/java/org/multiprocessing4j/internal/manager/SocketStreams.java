package org.multiprocessing4j.internal.manager;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * A client's TCP connection to a manager, as the blocking channel that
 * {@link org.multiprocessing4j.internal.channel.FrameChannel} reads and writes, which an interrupt
 * does not close.
 *
 * <p>Why not a blocking {@link SocketChannel}: an interrupt closes one in the middle of a read or
 * a write (and a call made with the status set closes it at once), so a thread's interrupt would
 * cost it its connection, and the call in flight its reply. A {@code java.net.Socket} is not
 * interruptible on a platform thread but is on a virtual one. So the channel is non-blocking and
 * waits in a {@link Selector}, whose {@code select} an interrupt only cuts short. Each time a wait
 * ends, by readiness, an interrupt or {@link ManagerClient#LOOK}, it runs the {@link Channel.Idle}
 * of the call in flight, which takes the interrupt status, then waits on. One thread uses it at a
 * time, as a manager's channel.
 *
 * <p>Making the connection and the handshake that follows have a deadline
 * ({@link Channel#HANDSHAKE_TIMEOUT}), as the server gives a new peer: an address that drops
 * packets would otherwise hold the caller for the kernel's two minutes of retries, and a port that
 * accepts and says nothing (another service) for ever. Once the peer has proven its key, keep-alive
 * finds a peer that went away ({@link Channel#tune}).
 */
final class SocketStreams implements ByteChannel {
    private final SocketChannel socket;
    private final Selector selector;
    private final SelectionKey key;
    private Channel.Idle idle;
    private final InetSocketAddress address;
    private final Duration handshakeTimeout;
    /** {@link System#nanoTime} by which the handshake must be done; meaningless once {@link #handshaken}. */
    private final long handshakeDeadline;
    private boolean handshaken;

    private SocketStreams(SocketChannel socket, Selector selector, Channel.Idle idle, InetSocketAddress address,
            Duration handshakeTimeout) throws IOException {
        this.socket = socket;
        this.selector = selector;
        this.key = socket.register(selector, 0);
        this.idle = idle;
        this.address = address;
        this.handshakeTimeout = handshakeTimeout;
        this.handshakeDeadline = System.nanoTime() + handshakeTimeout.toNanos();
    }

    /**
     * Connects to {@code address}, running {@code idle} while it waits, as {@link #read} does. Every
     * wait until {@link #handshaken} counts against {@code handshakeTimeout}.
     *
     * @throws SocketTimeoutException if the connection is not made in time
     */
    static SocketStreams connect(InetSocketAddress address, Channel.Idle idle, Duration handshakeTimeout)
            throws IOException {
        SocketChannel socket = SocketChannel.open();
        Selector selector = null;
        try {
            socket.configureBlocking(false);
            selector = Selector.open();
            SocketStreams streams = new SocketStreams(socket, selector, idle, address, handshakeTimeout);
            if (!socket.connect(address)) {
                do {
                    streams.await(SelectionKey.OP_CONNECT);
                } while (!socket.finishConnect());
            }
            Channel.tune(socket);
            return streams;
        } catch (IOException | RuntimeException e) {
            socket.close();
            if (selector != null) {
                selector.close();
            }
            throw e;
        }
    }

    /** The peer has proven its key: waits have no deadline from now on. */
    void handshaken() {
        handshaken = true;
    }

    /** What waits run from now on: the next call's. */
    void idle(Channel.Idle idle) {
        this.idle = idle;
    }

    /** Reads at least one byte, or returns -1 at the end of the stream. */
    @Override
    public int read(ByteBuffer into) throws IOException {
        int read;
        while ((read = socket.read(into)) == 0 && into.hasRemaining()) {
            await(SelectionKey.OP_READ);
        }
        return read;
    }

    /** Writes at least one byte, waiting for room in the socket's buffer if there is none. */
    @Override
    public int write(ByteBuffer from) throws IOException {
        int written;
        while ((written = socket.write(from)) == 0 && from.hasRemaining()) {
            await(SelectionKey.OP_WRITE);
        }
        return written;
    }

    private void await(int operation) throws IOException {
        long wait = ManagerClient.LOOK.toMillis();
        if (!handshaken) {
            long left = handshakeDeadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("no connection to " + address + " within "
                        + handshakeTimeout.toMillis() + " ms (a manager's handshake)");
            }
            wait = Math.min(wait, Math.max(1, Duration.ofNanos(left).toMillis()));
        }
        key.interestOps(operation);
        selector.select(wait);
        selector.selectedKeys().clear();
        idle.run();
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    @Override
    public void close() throws IOException {
        try {
            selector.close();
        } finally {
            socket.close();
        }
    }
}
