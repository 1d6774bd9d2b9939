package org.multiprocessing4j.internal.manager;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.multiprocessing4j.AuthenticationException;
import org.multiprocessing4j.Connection;
import org.multiprocessing4j.ManagerException;
import org.multiprocessing4j.Pipe;
import org.multiprocessing4j.internal.channel.ControlProtocol;
import org.multiprocessing4j.internal.channel.FrameChannel;
import org.multiprocessing4j.internal.channel.Handshake;
import org.multiprocessing4j.internal.shm.Liveness;

/**
 * This process's side of its managers: one channel per thread per server, as Python's proxies
 * connect once per thread, so that a call blocked on the server (a queue's {@code get}) holds up
 * no other thread, and a lock's owner is the thread that took it.
 *
 * <p>A call never waits for ever on a server that is gone. A pipe's other end is seen gone within
 * 50 ms once the server held it; until the server took a new pipe off its queue, the client looks
 * at the server's pid every {@link #LOOK}. A socket breaks at once when the server's process dies,
 * and TCP keep-alive probes ({@link Channel#tune}) find a server whose machine or network went away.
 */
public final class ManagerClient {
    static final Duration LOOK = Duration.ofMillis(100);
    private static final Map<ManagerAddress, ManagerClient> CLIENTS = new ConcurrentHashMap<>();
    /**
     * What this thread is encoding for and decoding from, as fields that a call sets and restores
     * rather than thread-locals it sets and removes (why: DESIGN.md, Managers).
     */
    private static final ThreadLocal<Marks> MARKS = ThreadLocal.withInitial(Marks::new);

    private final ManagerAddress address;
    /** Each thread's channel to the server, made at its first call. */
    private final ThreadLocal<Session> sessions = new ThreadLocal<>();

    private static final class Marks {
        /** The server whose call is being written on this thread: a proxy of its own goes without the key. */
        ManagerAddress encodingFor;
        /** The server whose reply, or whose own call, is being read on this thread: a proxy without a key takes its key. */
        ManagerAddress decodingFrom;
    }

    /** A thread's channel, and whether its first reply came, after which the channel itself reports a dead server. */
    private static final class Session {
        final Channel channel;
        boolean answered;

        Session(Channel channel) {
            this.channel = channel;
        }
    }

    private ManagerClient(ManagerAddress address) {
        this.address = address;
    }

    /** The client of the manager at {@code address} in this process. */
    public static ManagerClient of(ManagerAddress address) {
        return CLIENTS.computeIfAbsent(address, ManagerClient::new);
    }

    static ManagerAddress encodingFor() {
        return MARKS.get().encodingFor;
    }

    static ManagerAddress decodingFrom() {
        return MARKS.get().decodingFrom;
    }

    /**
     * Until {@link #doneDecoding}, this thread reads what came from {@code server} by way of
     * {@code server}: a proxy of that server's is bound to this way of reaching it.
     *
     * @return what this thread was decoding from before, for {@link #doneDecoding}: calls nest, as
     *     a proxy written into a call first counts itself with a call of its own
     */
    static ManagerAddress decodingFrom(ManagerAddress server) {
        Marks marks = MARKS.get();
        ManagerAddress before = marks.decodingFrom;
        marks.decodingFrom = server;
        return before;
    }

    static void doneDecoding(ManagerAddress before) {
        MARKS.get().decodingFrom = before;
    }

    /** Until {@link #doneEncoding}, this thread writes a call to {@code server}; returns the mark before, as {@link #decodingFrom}. */
    static ManagerAddress encodingFor(ManagerAddress server) {
        Marks marks = MARKS.get();
        ManagerAddress before = marks.encodingFor;
        marks.encodingFor = server;
        return before;
    }

    static void doneEncoding(ManagerAddress before) {
        MARKS.get().encodingFor = before;
    }

    /**
     * Calls {@code method} on object {@code objectId} of the server, on this thread's channel.
     *
     * @return what the method returned, proxies included
     * @throws Throwable what the method threw, or {@link ManagerException} if the server is gone,
     *     or {@link AuthenticationException} if it refused this process's key
     */
    public Object call(long objectId, String method, Object[] arguments) throws Throwable {
        byte[] request;
        ManagerAddress encodingBefore = encodingFor(address);
        try {
            request = Calls.call(objectId, method, arguments);
        } finally {
            doneEncoding(encodingBefore);
        }
        Session session = session();
        byte[] reply;
        try {
            session.channel.send(request);
            if (!session.answered && session.channel instanceof Channel.OverPipe pipe) {
                awaitFirstReply(pipe.end());
            }
            reply = session.channel.receive();
            session.answered = true;
        } catch (IOException e) {
            forgetChannel();
            throw gone(e);
        }
        ManagerAddress decodingBefore = decodingFrom(address);
        try {
            return Calls.readReply(reply);
        } finally {
            doneDecoding(decodingBefore);
        }
    }

    private void awaitFirstReply(Connection end) {
        ManagerAddress.Local local = (ManagerAddress.Local) address;
        while (!end.poll(LOOK)) {
            if (!Liveness.isAlive(local.serverPid(), local.serverStart())) {
                forgetChannel();
                throw gone(new IOException("its process " + local.serverPid() + " has ended"));
            }
        }
    }

    private ManagerException gone(IOException cause) {
        return new ManagerException("the manager's server (" + describe() + ") is gone: " + cause.getMessage(), cause);
    }

    private String describe() {
        return address instanceof ManagerAddress.Local local ? "process " + local.serverPid() : address.toString();
    }

    private void forgetChannel() {
        Session session = sessions.get();
        sessions.remove();
        if (session != null) {
            session.channel.close();
        }
    }

    private Session session() {
        Session session = sessions.get();
        if (session == null) {
            session = new Session(open());
            sessions.set(session);
        }
        return session;
    }

    private Channel open() {
        try {
            return switch (address) {
                case ManagerAddress.Local local -> {
                    if (!Liveness.isAlive(local.serverPid(), local.serverStart())) {
                        // No pipe for a server that is gone: a collected proxy's release would leave one behind.
                        throw new IOException("its process " + local.serverPid() + " has ended");
                    }
                    Pipe pipe = Pipe.open(true);
                    offerToServer(local, pipe.second());
                    yield new Channel.OverPipe(pipe.first());
                }
                case ManagerAddress.Remote remote -> connect(remote);
            };
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ManagerException("interrupted while connecting to the manager at " + describe(), e);
        } catch (IOException e) {
            throw gone(e);
        }
    }

    /**
     * Puts this thread's new pipe end on the server's accept queue. A call such as {@code Map.get}
     * has no interruption in its contract, so an interrupt status set before it does not refuse the
     * connection, as the queue's {@code put} would; it is kept for the caller. An interrupt while the
     * queue is full (the server not taking) is thrown.
     */
    private static void offerToServer(ManagerAddress.Local local, Connection end) throws InterruptedException {
        boolean interruptedBefore = Thread.interrupted();
        try {
            local.accept().put(end);
        } finally {
            if (interruptedBefore) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A socket to {@code remote}, keep-alive on, after both sides proved they hold the key. */
    static Channel connect(ManagerAddress.Remote remote) throws IOException {
        SocketChannel socket = SocketChannel.open(remote.address());
        try {
            Channel.tune(socket);
            Handshake.asClient(new FrameChannel(socket, ControlProtocol.MAX_TYPE, ControlProtocol.MAX_HANDSHAKE_PAYLOAD),
                    remote.key());
            return Channel.OverSocket.of(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Connects to {@code remote} once, proving the key, and asks the server's name.
     *
     * @throws org.multiprocessing4j.AuthenticationException if either side refused the other's key
     * @throws IOException if the server cannot be reached
     */
    public static String askServerId(ManagerAddress.Remote remote) throws IOException {
        try (Channel channel = connect(remote)) {
            channel.send(Calls.call(Calls.MANAGER, "serverId", new Object[0]));
            return (String) Calls.readReply(channel.receive());
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("the server did not tell its name: " + t, t);
        }
    }
}
