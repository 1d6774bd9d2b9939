package org.multiprocessing4j.internal.manager;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.multiprocessing4j.AuthenticationException;
import org.multiprocessing4j.ManagerException;
import org.multiprocessing4j.Pipe;
import org.multiprocessing4j.internal.channel.ControlProtocol;
import org.multiprocessing4j.internal.channel.FrameChannel;
import org.multiprocessing4j.internal.channel.Handshake;

/**
 * This process's side of its managers: one channel per thread per server, as Python's proxies
 * connect once per thread, so that a call blocked on the server (a queue's {@code get}) holds up
 * no other thread, and a lock's owner is the thread that took it. A channel is closed for good
 * within a second of its thread's end, or of its server's on this machine ({@link SessionReaper}),
 * and at once when the manager is shut down here ({@link #closeAll}).
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
    /**
     * Each thread's channel to the server, made at its first call. A map by thread rather than a
     * thread-local, so that {@link SessionReaper} can drop the channel of a thread that ended, and
     * {@link #closeAll} every channel, with nothing left to hold their shared memory.
     */
    private final Map<Thread, Session> sessions = new ConcurrentHashMap<>();

    private static final class Marks {
        /** The server whose call is being written on this thread: a proxy of its own goes without the key. */
        ManagerAddress encodingFor;
        /** The server whose reply, or whose own call, is being read on this thread: a proxy without a key takes its key. */
        ManagerAddress decodingFrom;
    }

    /**
     * A thread's channel; its id, which the server knows it by; how many calls went on it; and
     * whether its first reply came, after which the channel itself reports a dead server. Its owner
     * alone calls on it, between {@link #begin} and {@link #end}; another thread closes it only
     * when no call is in flight ({@link #closeIfIdle}), under the same monitor.
     */
    private static final class Session {
        final long id;
        final Channel channel;
        final Thread owner;
        long calls;
        boolean answered;
        private boolean calling;
        private boolean closed;

        Session(long id, Channel channel, Thread owner) {
            this.id = id;
            this.channel = channel;
            this.owner = owner;
        }

        /** Marks a call in flight; false if the channel was closed, and a new one is needed. */
        synchronized boolean begin() {
            calling = !closed;
            return calling;
        }

        synchronized void end() {
            calling = false;
        }

        /** Closes the channel for good unless a call is in flight; whether it is closed. */
        synchronized boolean closeIfIdle() {
            if (!calling && !closed) {
                closed = true;
                channel.retire();
            }
            return closed;
        }
    }

    private ManagerClient(ManagerAddress address) {
        this.address = address;
    }

    /**
     * The client of the manager at {@code address} in this process. One of a server on this
     * machine that has ended is made for the call at hand and not kept (its calls throw
     * {@link ManagerException}): kept, it would keep the server's queue of connections mapped, as
     * a proxy collected after its server ended does when it gives back its count.
     */
    public static ManagerClient of(ManagerAddress address) {
        ManagerClient client = CLIENTS.get(address);
        if (client != null) {
            return client;
        }
        if (address instanceof ManagerAddress.Local local && local.serverEnded()) {
            return new ManagerClient(address);
        }
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
     * Calls {@code method} on object {@code objectId} of the server, on this thread's channel, and
     * waits for the reply however long the method runs. An interrupt, before or during the call,
     * neither cuts it short nor is lost: the status is set again when the call returns, as for a
     * method such as {@code Map.get} that has no interruption in its contract.
     *
     * @return what the method returned, proxies included
     * @throws Throwable what the method threw, or {@link ManagerException} if the server is gone,
     *     or {@link AuthenticationException} if it refused this process's key
     */
    public Object call(long objectId, String method, Object[] arguments) throws Throwable {
        return call(objectId, method, arguments, false);
    }

    /**
     * As {@link #call(long, String, Object[])}; if {@code interruptible}, for a method that declares
     * {@link InterruptedException}: a thread interrupted on entry gets it at once, and the call is
     * not made, as {@code BlockingQueue.take} does; an interrupt during the call interrupts the
     * server's thread that runs it (see {@link Waiting}), so the method ends as it does when
     * interrupted, usually with the InterruptedException this throws, after which the status is
     * clear.
     *
     * <p>A proxy calls this one method whichever its method is, so that a fresh process compiles the
     * path of its calls once: with a delegating method above it, a fresh child's C2 compiled it twice,
     * alone and inlined in the delegate (26 ms each, on a core it shares with the calls).
     */
    public Object call(long objectId, String method, Object[] arguments, boolean interruptible) throws Throwable {
        if (interruptible && Thread.interrupted()) {
            throw new InterruptedException();
        }
        byte[] request;
        ManagerAddress encodingBefore = encodingFor(address);
        try {
            request = Calls.call(objectId, method, arguments);
        } finally {
            doneEncoding(encodingBefore);
        }
        Waiting waiting = new Waiting(interruptible);
        Throwable thrown = null;
        try {
            Session session = session(waiting);
            waiting.session = session;
            session.calls++;
            byte[] reply;
            try {
                reply = session.channel.call(request, waiting);
                session.answered = true;
            } catch (IOException e) {
                forgetChannel(session);
                throw gone(e);
            } finally {
                session.end();
            }
            ManagerAddress decodingBefore = decodingFrom(address);
            try {
                return Calls.readReply(reply);
            } finally {
                doneDecoding(decodingBefore);
            }
        } catch (Throwable t) {
            thrown = t;
            throw t;
        } finally {
            waiting.restoreStatus(thrown);
        }
    }

    /**
     * A call's waits: the {@link Channel.Idle} its channel runs while the reply has not come.
     *
     * <p>The interrupt status is taken aside when the call begins and set again when it ends, so
     * no wait on the way (the server's queue of pipes, a socket's selector, the reply) ends at it.
     * For an interruptible call, an interrupt during it is handed to the server on a channel of its
     * own, naming this thread's session and the number of the call in flight, so that it reaches
     * that call even if the server has not begun it yet, and no later one. Until a channel's first
     * reply, it also looks at a local server's pid, as a pipe's end that the server never held
     * cannot tell that the server is gone.
     */
    private final class Waiting implements Channel.Idle {
        private final boolean interruptible;
        private boolean interrupted;
        private boolean handedOn;
        /** The channel the call went on, once there is one. */
        private Session session;

        Waiting(boolean interruptible) {
            this.interruptible = interruptible;
            this.interrupted = Thread.interrupted();
        }

        @Override
        public void run() throws IOException {
            if (Thread.interrupted()) {
                interrupted = true;
                if (interruptible && !handedOn && session != null) {
                    handedOn = true;
                    interruptOnServer(session);
                }
            }
            if (looksAtServer()) {
                ManagerAddress.Local local = (ManagerAddress.Local) address;
                if (local.serverEnded()) {
                    throw new IOException("its process " + local.serverPid() + " has ended");
                }
            }
        }

        @Override
        public boolean looksAtServer() {
            return (session == null || !session.answered) && address instanceof ManagerAddress.Local;
        }

        /** Sets the status again, unless the call threw the InterruptedException that an interrupt handed on caused. */
        void restoreStatus(Throwable thrown) {
            if (interrupted && !(handedOn && thrown instanceof InterruptedException)) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Asks the server to interrupt call number {@code session.calls} of {@code session}, on a
     * channel opened for it, as this thread's own is taken by the call. If that fails, the server
     * is gone, which the call's own wait then reports.
     */
    private void interruptOnServer(Session session) {
        Waiting waiting = new Waiting(false);
        try (Channel channel = open(waiting)) {
            Calls.readReply(channel.call(Calls.call(Calls.MANAGER, ManagerServer.INTERRUPT,
                    new Object[] {session.id, session.calls}), waiting));
        } catch (Throwable gone) {
            // reported by the call's own wait
        } finally {
            waiting.restoreStatus(null);
        }
    }

    private ManagerException gone(IOException cause) {
        return new ManagerException("the manager's server (" + describe() + ") is gone: " + cause.getMessage(), cause);
    }

    private String describe() {
        return address instanceof ManagerAddress.Local local ? "process " + local.serverPid() : address.toString();
    }

    private void forgetChannel(Session session) {
        sessions.remove(session.owner, session);
        session.end();
        session.closeIfIdle();
    }

    /** This thread's session, with a call begun on it: a new one if it has none, or if its channel was closed. */
    private Session session(Waiting waiting) {
        Thread owner = Thread.currentThread();
        Session session = sessions.get(owner);
        if (session == null || !session.begin()) {
            long id = newSessionId();
            session = new Session(id, open(waiting, id), owner);
            session.begin();
            sessions.put(owner, session);
            SessionReaper.watch(this);
        }
        return session;
    }

    /**
     * For {@link SessionReaper}: closes the channels of threads that ended, and every idle one if
     * the server, on this machine, is gone; once none is left of a server that is gone, forgets
     * this client.
     *
     * @return whether some channel is still open
     */
    boolean reap() {
        boolean serverGone = address instanceof ManagerAddress.Local local && local.serverEnded();
        for (Session session : sessions.values()) {
            if ((serverGone || !session.owner.isAlive()) && session.closeIfIdle()) {
                sessions.remove(session.owner, session);
            }
        }
        if (serverGone && sessions.isEmpty()) {
            CLIENTS.remove(address, this);
        }
        return hasChannels();
    }

    boolean hasChannels() {
        return !sessions.isEmpty();
    }

    /**
     * Closes this process's channels to the server at {@code address} for good, but for calls in
     * flight, which close theirs when they see it gone, and forgets its client: the manager was
     * shut down or closed here. A later call opens a channel again.
     */
    public static void closeAll(ManagerAddress address) {
        ManagerClient client = CLIENTS.remove(address);
        if (client != null) {
            for (Session session : client.sessions.values()) {
                if (session.closeIfIdle()) {
                    client.sessions.remove(session.owner, session);
                }
            }
        }
    }

    /**
     * A random session id, so that clients of one server, in other processes or on other
     * machines, do not share one; not from SecureRandom, whose providers a fresh child would load
     * before its first call.
     */
    private static long newSessionId() {
        return java.util.concurrent.ThreadLocalRandom.current().nextLong();
    }

    private Channel open(Waiting waiting) {
        return open(waiting, newSessionId());
    }

    /** A new channel to the server, whose first message names its session {@code id}. */
    private Channel open(Waiting waiting, long id) {
        Channel channel = null;
        try {
            channel = switch (address) {
                case ManagerAddress.Local local -> {
                    if (local.serverEnded()) {
                        // No pipe for a server that is gone: a collected proxy's release would leave one behind.
                        throw new IOException("its process " + local.serverPid() + " has ended");
                    }
                    Pipe pipe = Pipe.open(true);
                    local.accept().put(pipe.second());
                    yield new Channel.OverPipe(pipe.first());
                }
                case ManagerAddress.Remote remote -> connect(remote, waiting);
            };
            channel.send(Calls.session(id));
            return channel;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ManagerException("interrupted while connecting to the manager at " + describe(), e);
        } catch (IOException e) {
            if (channel != null) {
                channel.close();
            }
            throw gone(e);
        }
    }

    /** A socket to {@code remote}, keep-alive on, after both sides proved they hold the key. */
    static Channel connect(ManagerAddress.Remote remote, Channel.Idle idle) throws IOException {
        SocketStreams socket = SocketStreams.connect(remote.address(), idle, Channel.HANDSHAKE_TIMEOUT);
        try {
            Handshake.asClient(new FrameChannel(socket, ControlProtocol.MAX_TYPE, ControlProtocol.MAX_HANDSHAKE_PAYLOAD),
                    remote.key());
            socket.handshaken();
            return Channel.OverSocket.of(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Connects to {@code remote} once, proving the key, and asks the server's name. Unlike a
     * proxy's call, this may be interrupted, as a network connection in a method that throws
     * {@link IOException} is in the JDK: a thread interrupted before or during it gets an
     * {@link InterruptedIOException}, and its interrupt status stays set.
     *
     * @throws org.multiprocessing4j.AuthenticationException if either side refused the other's key
     * @throws InterruptedIOException if the thread was interrupted
     * @throws IOException if the server cannot be reached
     */
    public static String askServerId(ManagerAddress.Remote remote) throws IOException {
        Channel.Idle interruptible = () -> {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("interrupted while connecting to the manager at " + remote);
            }
        };
        interruptible.run();
        try (Channel channel = connect(remote, interruptible)) {
            channel.send(Calls.session(newSessionId()));
            return (String) Calls.readReply(channel.call(Calls.call(Calls.MANAGER, "serverId", new Object[0]), interruptible));
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("the server did not tell its name: " + t, t);
        }
    }
}
