package org.multiprocessing4j.internal.channel;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.multiprocessing4j.internal.Log;

/**
 * The listening end of the control channels from this process to its children: one Unix domain
 * socket in a directory only this user can enter (mode 0700), named {@code mp4j-<pid>-<random>}
 * under the temporary directory.
 *
 * <p>A connection is served only when the peer proves the authkey ({@link Handshake}) and then
 * presents a one-time token that {@link #expect} registered for a child being started; anything
 * else is logged and closed. Each connection gets its own virtual thread, and a peer that stalls
 * during the handshake is cut off after {@link #HANDSHAKE_TIMEOUT_SECONDS}.
 *
 * <p>The socket is opened and bound on the accept thread, not in {@link #acquire}: the first Unix
 * domain socket a JVM opens makes the JDK seed a {@code SecureRandom}, some 75 ms in a fresh JVM,
 * which would otherwise delay the first {@code start()}. A child connects, if at all, only when it
 * ends, and {@link ControlClient} waits for the socket to appear.
 *
 * <p>The server exists only while children need it: {@link #acquire} creates it for the first user
 * and {@link #release} by the last one deletes the socket and its directory, so a process without
 * live children leaves nothing behind. A process that ends in order closes it at its end, whatever
 * children still run ({@link #closeForHalt}). If this process dies abruptly, its children remove the
 * directory ({@link #removeDirectoryOf}); a directory left by a dead process with no children is
 * removed by the next {@link #acquire} on the machine.
 */
public final class ControlServer {
    /** How long an unauthenticated peer may take to finish the handshake. */
    public static final long HANDSHAKE_TIMEOUT_SECONDS = 10;

    private static final String DIRECTORY_PREFIX = "mp4j-";
    private static final String SOCKET_NAME = "control";
    /** The longest path a Unix domain socket address takes on Linux (sun_path, less its NUL). */
    private static final int MAX_SOCKET_PATH_BYTES = 107;
    private static final int DIRECTORY_RANDOM_BYTES = 8;

    private static ControlServer instance;
    private static int users;

    private final Path directory;
    private final Path socket;
    /** Guards {@link #listener} and {@link #closed} between the accept thread and {@link #close}. */
    private final Object state = new Object();
    private ServerSocketChannel listener;
    private boolean closed;
    private final Map<ByteBuffer, ChildSession> expected = new ConcurrentHashMap<>();

    private ControlServer() throws IOException {
        removeDirectoriesOfDeadProcesses();
        directory = createPrivateDirectory();
        socket = directory.resolve(SOCKET_NAME);
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
            deleteQuietly(directory);
            throw new IOException("the control socket path " + socket + " is too long for a Unix domain"
                    + " socket; set java.io.tmpdir to a shorter directory");
        }
        Thread.ofPlatform().daemon().name("mp4j-control-accept").start(this::listenAndAccept);
    }

    /**
     * Creates {@code mp4j-<pid>-<random>} (mode 0700) under the temporary directory. The name is
     * drawn from {@link AuthKey#randomBytes}, not by {@code Files.createTempDirectory}, whose
     * {@code SecureRandom} would start the JDK's security providers, tens of milliseconds in a
     * fresh JVM, on the way of the first {@code start()}.
     */
    private static Path createPrivateDirectory() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        String prefix = DIRECTORY_PREFIX + ProcessHandle.current().pid() + "-";
        while (true) {
            Path candidate = tmp.resolve(prefix + HexFormat.of().formatHex(AuthKey.randomBytes(DIRECTORY_RANDOM_BYTES)));
            try {
                return Files.createDirectory(candidate,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException taken) {
                // drawn before: draw again
            }
        }
    }

    /** Returns the server, creating it if this is its first user; pair with {@link #release}. */
    public static synchronized ControlServer acquire() throws IOException {
        if (instance == null) {
            instance = new ControlServer();
        }
        users++;
        return instance;
    }

    /**
     * Gives back one {@link #acquire}; the last one closes the server and deletes its files. After
     * {@link #closeForHalt}, there is nothing left to give back.
     */
    public static synchronized void release() {
        if (users > 0 && --users == 0) {
            instance.close();
            instance = null;
        }
    }

    /**
     * Closes the server now, whoever still uses it, for a JVM about to halt: an accept thread
     * blocked in the kernel would hold up the halt, and nobody is left to delete the files. The
     * users' later {@link #release}s, on their way out until the halt, do nothing.
     */
    public static synchronized void closeForHalt() {
        if (instance != null) {
            instance.close();
            instance = null;
        }
        users = 0;
    }

    /** The socket children connect to. */
    public Path socketPath() {
        return socket;
    }

    /** Registers the session that will serve the connection presenting {@code token}. */
    public void expect(byte[] token, ChildSession session) {
        expected.put(ByteBuffer.wrap(token.clone()), session);
    }

    /**
     * Withdraws a registration.
     *
     * @return true if it was still waiting, so that no connection will ever be served for it
     */
    public boolean withdraw(byte[] token) {
        return expected.remove(ByteBuffer.wrap(token)) != null;
    }

    /**
     * The pid of the process whose server listens on {@code socket}, as its directory's name says
     * ({@code mp4j-<pid>-<random>}); -1 if it is not one of ours.
     */
    public static long ownerPid(Path socket) {
        Path dir = socket.getParent();
        String name = dir == null ? "" : dir.getFileName().toString();
        String[] parts = name.split("-", 3);
        if (!name.startsWith(DIRECTORY_PREFIX) || parts.length != 3) {
            return -1;
        }
        try {
            return Long.parseLong(parts[1]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Deletes the directory holding {@code socket}, if it is one of ours; called by a child whose
     * parent is gone, since the parent could not clean up after itself.
     */
    public static void removeDirectoryOf(Path socket) {
        Path dir = socket.getParent();
        if (dir != null && dir.getFileName().toString().startsWith(DIRECTORY_PREFIX)) {
            removeDirectory(dir);
        }
    }

    /**
     * Deletes {@code dir} and what is in it: the socket, and the marker files of children that
     * ended, or were halted, before their parent could collect them.
     */
    private static void removeDirectory(Path dir) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                deleteQuietly(file);
            }
        } catch (IOException e) {
            Log.debug("could not list " + dir + ": " + e);
        }
        deleteQuietly(dir);
    }

    private void listenAndAccept() {
        ServerSocketChannel bound;
        try {
            bound = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                bound.bind(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                closeQuietly(bound);
                throw e;
            }
        } catch (IOException e) {
            synchronized (state) {
                if (!closed) {
                    Log.warning("could not open the control socket " + socket
                            + "; children cannot report an exit their status does not tell", e);
                }
            }
            return;
        }
        synchronized (state) {
            if (closed) {
                // Closed while binding: the socket file may have appeared after close() deleted.
                closeQuietly(bound);
                removeDirectory(directory);
                return;
            }
            listener = bound;
        }
        acceptLoop(bound);
    }

    private void acceptLoop(ServerSocketChannel channel) {
        while (true) {
            SocketChannel peer;
            try {
                peer = channel.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                Log.warning("control socket " + socket + " failed; children cannot connect", e);
                return;
            }
            Thread.ofVirtual().name("mp4j-control-" + socket.getFileName()).start(() -> serve(peer));
        }
    }

    private void serve(SocketChannel peer) {
        // Completed true once the peer is authenticated, or false by the timer, which then cuts
        // the peer off: whichever completes it first decides.
        CompletableFuture<Boolean> authenticated = new CompletableFuture<>();
        CompletableFuture.delayedExecutor(HANDSHAKE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .execute(() -> {
                    if (authenticated.complete(false)) {
                        closeQuietly(peer);
                    }
                });
        try (peer) {
            FrameChannel unauthenticated = new FrameChannel(
                    peer, ControlProtocol.MAX_TYPE, ControlProtocol.MAX_HANDSHAKE_PAYLOAD);
            Handshake.asServer(unauthenticated, AuthKey.current());
            Frame hello = unauthenticated.read();
            if (hello == null || hello.type() != ControlProtocol.HELLO
                    || hello.payload().length != ControlProtocol.TOKEN_LENGTH) {
                throw new IOException("expected HELLO with a token after the handshake");
            }
            ChildSession session = expected.remove(ByteBuffer.wrap(hello.payload()));
            if (session == null) {
                throw new IOException("the token presented belongs to no child being started");
            }
            // Served even if the timer has just closed the peer: the session then fails at once
            // and learns that its child will never be heard from.
            authenticated.complete(true);
            session.serve(new FrameChannel(peer, ControlProtocol.MAX_TYPE, ControlProtocol.MAX_PAYLOAD));
        } catch (IOException e) {
            if (authenticated.complete(false) || !authenticated.join()) {
                Log.warning("refused a connection on " + socket + ": " + e);
            } else {
                Log.debug("control connection on " + socket + " ended: " + e);
            }
        }
    }

    private void close() {
        synchronized (state) {
            closed = true;
            if (listener != null) {
                closeQuietly(listener);
            }
        }
        removeDirectory(directory);
    }

    /** Deletes {@code mp4j-<pid>-*} directories whose process is gone, e.g. after a SIGKILL. */
    private static void removeDirectoriesOfDeadProcesses() {
        removeDirectoriesOfDead(DIRECTORY_PREFIX + "*");
    }

    /**
     * Deletes the directories of {@code pid}, a child that a signal ended: killed, it could not
     * delete its own, and the children that would delete it when they find it dead may be gone
     * already, or paused, or just being started. Called by its parent once it has been reaped.
     */
    public static void removeDirectoriesOfDeadChild(long pid) {
        removeDirectoriesOfDead(DIRECTORY_PREFIX + pid + "-*");
    }

    /** Deletes the directories named by {@code glob} whose process is gone. */
    private static void removeDirectoriesOfDead(String glob) {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, glob)) {
            for (Path dir : dirs) {
                long owner = ownerPid(dir.resolve(SOCKET_NAME));
                if (owner > 0 && ProcessHandle.of(owner).isEmpty() && Files.isWritable(dir)) {
                    removeDirectoryOf(dir.resolve(SOCKET_NAME));
                }
            }
        } catch (IOException e) {
            Log.debug("could not sweep " + tmp + " for stale control sockets: " + e);
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            Log.debug("could not delete " + path + ": " + e);
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            Log.debug("close failed: " + e);
        }
    }
}
