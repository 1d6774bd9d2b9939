package org.multiprocessing4j.internal.launch;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.multiprocessing4j.internal.channel.AuthKey;
import org.multiprocessing4j.internal.channel.ChildSession;
import org.multiprocessing4j.internal.channel.ControlProtocol;
import org.multiprocessing4j.internal.channel.ControlServer;
import org.multiprocessing4j.internal.wire.CorruptFrameException;
import org.multiprocessing4j.internal.wire.Frame;
import org.multiprocessing4j.internal.wire.FrameChannel;

/**
 * A child started as a fresh JVM (start method SPAWN), as seen from its parent; CPython's
 * {@code popen_spawn_posix}.
 *
 * <p>The child's exit code is settled once both the OS process has ended and its control channel
 * has been read to the end, so that an exit report the child sent just before dying is never
 * missed; {@link #decode} turns the two into Python's exit code. The channel is waited for at most
 * {@link #REPORT_GRACE} after the process has gone, in case a descendant still holds it open.
 */
public final class SpawnPopen implements ChildSession {
    /** How long after the child's death its last report may still be in flight. */
    static final Duration REPORT_GRACE = Duration.ofSeconds(2);
    /** The JDK reports death by signal N as exit status 128 + N. */
    static final int SIGNAL_STATUS_BASE = 128;
    private static final int MAX_SIGNAL = 64;

    private final java.lang.Process os;
    private final byte[] token;
    private final CompletableFuture<Void> channelDrained = new CompletableFuture<>();
    private final CompletableFuture<Integer> exitCode;
    private volatile byte[] launchPayload;
    private volatile boolean reportedOrderly;
    private volatile int reportedSignal;

    private SpawnPopen(byte[] launchPayload, List<String> jvmOptions, ProcessBuilder.Redirect output)
            throws IOException {
        this.launchPayload = launchPayload;
        this.token = AuthKey.randomBytes(ControlProtocol.TOKEN_LENGTH);
        ControlServer server = ControlServer.acquire();
        try {
            server.expect(token, this);
            ProcessBuilder builder = new ProcessBuilder(JavaCommand.forChild(jvmOptions, server.socketPath()))
                    .redirectOutput(output)
                    .redirectError(output);
            os = builder.start();
        } catch (IOException | RuntimeException e) {
            server.withdraw(token);
            ControlServer.release();
            throw e;
        }
        exitCode = os.onExit()
                .thenCompose(p -> {
                    if (server.withdraw(token)) {
                        channelDrained.complete(null); // it never connected, and now never will
                    }
                    return channelDrained.completeOnTimeout(null, REPORT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
                })
                .thenApply(ignored -> decode(os.exitValue(), reportedOrderly, reportedSignal))
                .whenComplete((code, failure) -> ControlServer.release());
        sendBootData();
    }

    /**
     * Starts a child JVM that will run the task serialized in {@code launchPayload}, with the
     * parent's standard output and error.
     *
     * @param trainingPayload the training task, serialized; asked for once, in the background, if an
     *     {@link AotCache} for this class path should be made
     * @throws IOException if the JVM cannot be started
     */
    public static SpawnPopen start(byte[] launchPayload, List<String> jvmOptions, Supplier<byte[]> trainingPayload)
            throws IOException {
        AotCache cache = AotCache.get();
        if (cache == null) {
            return new SpawnPopen(launchPayload, jvmOptions, ProcessBuilder.Redirect.INHERIT);
        }
        List<String> options = new ArrayList<>(cache.useOptions(jvmOptions));
        options.addAll(jvmOptions);
        SpawnPopen child = new SpawnPopen(launchPayload, options, ProcessBuilder.Redirect.INHERIT);
        if (!cache.trainingStarted()) {
            Thread.ofVirtual().name("mp4j-aot-trainer").start(() -> cache.trainInBackground(trainingPayload.get()));
        }
        return child;
    }

    /** The child an {@link AotTrainer} runs to record the cache into {@code output}; output discarded. */
    static SpawnPopen startTraining(byte[] trainingPayload, Path output) throws IOException {
        return new SpawnPopen(trainingPayload, AotCache.trainingOptions(output), ProcessBuilder.Redirect.DISCARD);
    }

    /**
     * Python's exit code from the OS exit status and what the child reported: a reported signal
     * gives -N; an orderly shutdown gives the status as it is (so {@code System.exit(130)} is 130);
     * no report and a status of 128 + N means the child died of signal N, e.g. SIGKILL gives -9.
     */
    static int decode(int status, boolean orderly, int signal) {
        if (signal != 0) {
            return -signal;
        }
        if (!orderly && status > SIGNAL_STATUS_BASE && status <= SIGNAL_STATUS_BASE + MAX_SIGNAL) {
            return -(status - SIGNAL_STATUS_BASE);
        }
        return status;
    }

    public long pid() {
        return os.pid();
    }

    /** True until the exit code is settled. */
    public boolean isAlive() {
        return !exitCode.isDone();
    }

    /** The exit code once settled. */
    public OptionalInt exitCode() {
        Integer code = exitCode.getNow(null);
        return code == null ? OptionalInt.empty() : OptionalInt.of(code);
    }

    /** Blocks until the exit code is settled. */
    public void join() throws InterruptedException {
        try {
            exitCode.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not learn how the child ended", e.getCause());
        }
    }

    /** Blocks at most {@code timeout}; returns whether the exit code is settled. */
    public boolean join(Duration timeout) throws InterruptedException {
        if (timeout.isNegative() || timeout.isZero()) {
            return !isAlive();
        }
        try {
            exitCode.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not learn how the child ended", e.getCause());
        }
    }

    /** A future completed with the exit code. */
    public CompletableFuture<Integer> onExit() {
        return exitCode.copy();
    }

    /** SIGTERM; does nothing once the child has ended. */
    public void terminate() {
        os.destroy();
    }

    /** SIGKILL; does nothing once the child has ended. */
    public void kill() {
        os.destroyForcibly();
    }

    /** Runs on the connection's thread once the child has authenticated. */
    @Override
    public void serve(FrameChannel channel) throws IOException {
        try {
            channel.write(new Frame(ControlProtocol.LAUNCH, launchPayload));
            launchPayload = null;
            for (Frame frame; (frame = channel.read()) != null; ) {
                switch (frame.type()) {
                    case ControlProtocol.EXIT_ORDERLY -> reportedOrderly = true;
                    case ControlProtocol.EXIT_SIGNALLED -> reportedSignal = ByteBuffer.wrap(frame.payload()).getInt();
                    default -> throw new CorruptFrameException(
                            "unexpected frame of type " + frame.type() + " from child " + os.pid());
                }
            }
        } finally {
            channelDrained.complete(null);
        }
    }

    /** The authkey and this child's token go down the child's standard input, then it is closed. */
    private void sendBootData() throws IOException {
        byte[] key = AuthKey.current();
        try (OutputStream stdin = os.getOutputStream()) {
            stdin.write(key);
            stdin.write(token);
        } catch (IOException e) {
            os.destroyForcibly(); // it cannot start without them
            throw e;
        } finally {
            AuthKey.wipe(key);
        }
    }
}
