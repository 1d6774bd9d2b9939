package org.multiprocessing4j.internal.manager;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

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
 */
final class SocketStreams implements ByteChannel {
    private final SocketChannel socket;
    private final Selector selector;
    private final SelectionKey key;
    private Channel.Idle idle;

    private SocketStreams(SocketChannel socket, Selector selector, Channel.Idle idle) throws IOException {
        this.socket = socket;
        this.selector = selector;
        this.key = socket.register(selector, 0);
        this.idle = idle;
    }

    /** Connects to {@code address}, running {@code idle} while it waits, as {@link #read} does. */
    static SocketStreams connect(InetSocketAddress address, Channel.Idle idle) throws IOException {
        SocketChannel socket = SocketChannel.open();
        Selector selector = null;
        try {
            socket.configureBlocking(false);
            selector = Selector.open();
            SocketStreams streams = new SocketStreams(socket, selector, idle);
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
        key.interestOps(operation);
        selector.select(ManagerClient.LOOK.toMillis());
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
