package org.multiprocessing4j.internal.launch;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Arrays;
import org.multiprocessing4j.internal.channel.AuthKey;
import org.multiprocessing4j.internal.channel.ControlProtocol;
import org.multiprocessing4j.internal.channel.ControlServer;
import org.multiprocessing4j.internal.channel.Handshake;
import org.multiprocessing4j.internal.wire.CorruptFrameException;
import org.multiprocessing4j.internal.wire.Frame;
import org.multiprocessing4j.internal.wire.FrameChannel;
import org.multiprocessing4j.internal.wire.JavaSerialization;

/**
 * The entry point of every child JVM, as CPython's {@code spawn_main}.
 *
 * <ol>
 *   <li>reads the authkey and its one-time token from standard input;
 *   <li>connects to the parent's control socket (the only argument), authenticates both ways and
 *       presents the token;
 *   <li>receives the {@link ChildTask}, starts watching the parent, installs the exit report;
 *   <li>runs the task and exits with the status it returns.
 * </ol>
 * The parent watch reads the control channel, which ends only when the parent is gone (it closes
 * its end only after this JVM has exited) or when this JVM closes it after reporting its exit. In
 * the first case the child removes the parent's socket directory, which a dead parent cannot, and
 * halts. Death by SIGKILL closes the channel too, so children never
 * outlive their parent by more than the time it takes to notice a closed socket.
 *
 * <p>Start-up cost is the price of every child, so this class loads as little as it can.
 */
public final class ChildMain {
    /** Exit status when the child could not reach its parent or read its task. */
    public static final int EXIT_BOOTSTRAP_FAILED = 70;
    /** Exit status of a child halted because its parent is gone; nobody is left to read it. */
    public static final int EXIT_PARENT_GONE = 1;

    private ChildMain() {}

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("multiprocessing4j: " + ChildMain.class.getName()
                    + " is started by the library for a child process, with one argument");
            System.exit(EXIT_BOOTSTRAP_FAILED);
        }
        Path socket = Path.of(args[0]);
        FrameChannel channel;
        ChildTask task;
        try {
            channel = connect(socket);
            Frame launch = channel.read();
            if (launch == null || launch.type() != ControlProtocol.LAUNCH) {
                throw new CorruptFrameException("expected the LAUNCH frame from the parent");
            }
            task = (ChildTask) JavaSerialization.fromBytes(launch.payload());
        } catch (IOException | ClassCastException e) {
            System.err.println("multiprocessing4j: child " + ProcessHandle.current().pid()
                    + " could not start: " + e);
            if (ProcessHandle.current().parent().map(p -> !p.isAlive()).orElse(true)) {
                ControlServer.removeDirectoryOf(socket);
            }
            Runtime.getRuntime().halt(EXIT_BOOTSTRAP_FAILED);
            return;
        }
        ExitReport report = ExitReport.install(channel);
        Thread watch = new Thread(new ParentWatch(channel, socket, report), "mp4j-parent-watch");
        watch.setDaemon(true);
        watch.start();
        System.exit(task.runInChild());
    }

    private static FrameChannel connect(Path socket) throws IOException {
        byte[] boot = readBootData(System.in);
        byte[] key = Arrays.copyOfRange(boot, 0, AuthKey.LENGTH);
        byte[] token = Arrays.copyOfRange(boot, AuthKey.LENGTH, boot.length);
        AuthKey.inherit(key);
        SocketChannel peer = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            peer.connect(UnixDomainSocketAddress.of(socket));
            FrameChannel unauthenticated =
                    new FrameChannel(peer, ControlProtocol.MAX_TYPE, ControlProtocol.MAX_HANDSHAKE_PAYLOAD);
            Handshake.asClient(unauthenticated, key);
            unauthenticated.write(new Frame(ControlProtocol.HELLO, token));
            return new FrameChannel(peer, ControlProtocol.MAX_TYPE, ControlProtocol.MAX_PAYLOAD);
        } catch (IOException e) {
            peer.close();
            throw e;
        } finally {
            AuthKey.wipe(key);
        }
    }

    private static byte[] readBootData(InputStream in) throws IOException {
        byte[] boot = in.readNBytes(AuthKey.LENGTH + ControlProtocol.TOKEN_LENGTH);
        if (boot.length != AuthKey.LENGTH + ControlProtocol.TOKEN_LENGTH) {
            throw new EOFException("the parent sent no authkey and token on standard input");
        }
        return boot;
    }

    /** Returns when this JVM closes the channel on its way out; halts if the parent goes first. */
    private record ParentWatch(FrameChannel channel, Path socket, ExitReport report) implements Runnable {
        @Override
        public void run() {
            try {
                while (channel.read() != null) {
                    // The parent sends nothing after LAUNCH; the read only waits for the end.
                }
            } catch (IOException e) {
                // A broken channel means the parent is gone just as surely as end-of-stream,
                // unless this JVM closed it after reporting its exit.
            }
            if (report.sent()) {
                return;
            }
            ControlServer.removeDirectoryOf(socket);
            Runtime.getRuntime().halt(EXIT_PARENT_GONE);
        }
    }
}
