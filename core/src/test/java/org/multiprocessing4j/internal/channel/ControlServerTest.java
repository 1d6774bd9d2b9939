package org.multiprocessing4j.internal.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multiprocessing4j.AuthenticationException;
import org.multiprocessing4j.testing.JavaProgram;

/** Nothing but a child that holds the authkey and its token gets served. */
@Timeout(60)
class ControlServerTest {
    private ControlServer server;

    @BeforeEach
    void acquire() throws Exception {
        server = ControlServer.acquire();
    }

    @AfterEach
    void release() {
        ControlServer.release();
    }

    /** Connects to the server's socket, which it binds on its own thread shortly after acquire(). */
    private SocketChannel connect() throws Exception {
        return ControlClient.connected(server.socketPath());
    }

    private static FrameChannel handshakeChannel(SocketChannel peer) {
        return new FrameChannel(peer, ControlProtocol.MAX_TYPE, ControlProtocol.MAX_HANDSHAKE_PAYLOAD);
    }

    /** Reads until the server closes the connection; fails the test if it does not. */
    private static void assertClosedByServer(SocketChannel peer) throws Exception {
        CompletableFuture<Integer> eof = CompletableFuture.supplyAsync(() -> {
            ByteBuffer sink = ByteBuffer.allocate(4096);
            try {
                while (peer.read(sink.clear()) >= 0) {
                    // drain whatever the server said before closing
                }
                return -1;
            } catch (java.io.IOException e) {
                return -1;
            }
        });
        assertThat(eof.get(5, TimeUnit.SECONDS)).isEqualTo(-1);
    }

    @Test
    void theSocketLivesInADirectoryOnlyItsOwnerCanEnter() throws Exception {
        Path directory = server.socketPath().getParent();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory))).isEqualTo("rwx------");
        assertThat(directory.getFileName().toString()).startsWith("mp4j-" + ProcessHandle.current().pid() + "-");
    }

    @Test
    void aDeadParentsDirectoryGoesWithTheMarkersOfChildrenThatNeverStarted() throws Exception {
        Path directory = server.socketPath().getParent();
        connect().close(); // the socket is bound, so it cannot appear after the directory was listed
        Files.createFile(directory.resolve("0123456789abcdef.starting")); // a child halted while booting
        ControlServer.removeDirectoryOf(server.socketPath());
        assertThat(directory).doesNotExist();
    }

    @Test
    void aPeerWithTheWrongKeyIsRefused() throws Exception {
        try (SocketChannel peer = connect()) {
            byte[] wrongKey = AuthKey.randomBytes(AuthKey.LENGTH);
            assertThatThrownBy(() -> Handshake.asClient(handshakeChannel(peer), wrongKey))
                    .isInstanceOf(AuthenticationException.class)
                    .hasMessage("digest sent was rejected");
            assertClosedByServer(peer);
        }
    }

    @Test
    void garbageBytesGetTheConnectionClosedNotAHang() throws Exception {
        try (SocketChannel peer = connect()) {
            peer.write(ByteBuffer.wrap(AuthKey.randomBytes(512)));
            assertClosedByServer(peer);
        }
    }

    @Test
    void theRightKeyWithAnUnknownTokenIsRefused() throws Exception {
        try (SocketChannel peer = connect()) {
            FrameChannel channel = handshakeChannel(peer);
            Handshake.asClient(channel, AuthKey.current());
            channel.write(new Frame(ControlProtocol.HELLO, AuthKey.randomBytes(ControlProtocol.TOKEN_LENGTH)));
            assertClosedByServer(peer);
        }
    }

    @Test
    void aServerWithTheWrongKeyIsRefusedByTheClient() throws Exception {
        // The peer plays server with a key of its own: the client must not accept it.
        try (var listener = java.nio.channels.ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            Path socket = Files.createTempDirectory("mp4j-test-").resolve("s");
            listener.bind(UnixDomainSocketAddress.of(socket));
            byte[] key = AuthKey.randomBytes(AuthKey.LENGTH);
            CompletableFuture<Throwable> serverSide = CompletableFuture.supplyAsync(() -> {
                try (SocketChannel accepted = listener.accept()) {
                    Handshake.asServer(handshakeChannel(accepted), AuthKey.randomBytes(AuthKey.LENGTH));
                    return null;
                } catch (Exception e) {
                    return e;
                }
            });
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                assertThatThrownBy(() -> Handshake.asClient(handshakeChannel(client), key))
                        .isInstanceOf(AuthenticationException.class);
            }
            assertThat(serverSide.get(5, TimeUnit.SECONDS)).isInstanceOf(AuthenticationException.class)
                    .hasMessage("digest received was wrong");
            Files.delete(socket);
            Files.delete(socket.getParent());
        }
    }

    @Test
    void aChildWaitsForItsParentsSocketToAppear() throws Exception {
        // The parent binds its socket in the background: a child that connects first must wait.
        Path socket = Files.createTempDirectory("mp4j-test-").resolve("s");
        byte[] key = AuthKey.randomBytes(AuthKey.LENGTH);
        byte[] token = AuthKey.randomBytes(ControlProtocol.TOKEN_LENGTH);
        CompletableFuture<FrameChannel> client = CompletableFuture.supplyAsync(() -> {
            try {
                return ControlClient.connect(socket, key, token);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Thread.sleep(300);
        assertThat(client).as("still waiting for the socket").isNotDone();
        try (var listener = java.nio.channels.ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listener.bind(UnixDomainSocketAddress.of(socket));
            try (SocketChannel accepted = listener.accept()) {
                FrameChannel channel = handshakeChannel(accepted);
                Handshake.asServer(channel, key);
                assertThat(channel.read().payload()).isEqualTo(token);
                client.get(5, TimeUnit.SECONDS).close();
            }
        } finally {
            Files.deleteIfExists(socket);
            Files.delete(socket.getParent());
        }
    }

    @Test
    void anExpectedChildIsServedEvenAfterGarbageFromOthers() throws Exception {
        try (SocketChannel intruder = connect()) {
            intruder.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}));
            assertClosedByServer(intruder);
        }
        byte[] token = AuthKey.randomBytes(ControlProtocol.TOKEN_LENGTH);
        CompletableFuture<String> served = new CompletableFuture<>();
        server.expect(token, channel -> {
            Frame frame = channel.read();
            served.complete(new String(frame.payload()));
        });
        try (SocketChannel peer = connect()) {
            FrameChannel channel = handshakeChannel(peer);
            Handshake.asClient(channel, AuthKey.current());
            channel.write(new Frame(ControlProtocol.HELLO, token));
            channel.write(new Frame(ControlProtocol.EXIT_ORDERLY, "hello".getBytes()));
            assertThat(served.get(5, TimeUnit.SECONDS)).isEqualTo("hello");
        }
        assertThat(server.withdraw(token)).as("a token is good for one connection").isFalse();
    }

    /** Closes the server for a halt while one user still holds it, which then gives it back, as a start cut short does. */
    public static class ReleaseAfterCloseForHalt {
        public static void main(String[] args) throws Exception {
            ControlServer.acquire();
            ControlServer.closeForHalt();
            ControlServer.release();
            Path socket = ControlServer.acquire().socketPath();
            ControlServer.release();
            System.out.println(Files.exists(socket) ? "still there" : "released");
        }
    }

    @Test
    void aUserThatGivesTheServerBackAfterItWasClosedForAHaltGetsNoError() throws Exception {
        try (JavaProgram program = JavaProgram.start(ReleaseAfterCloseForHalt.class)) {
            assertThat(program.waitFor(Duration.ofSeconds(30))).as(program.stderr()).isZero();
            assertThat(program.output()).containsExactly("released");
        }
    }
}
