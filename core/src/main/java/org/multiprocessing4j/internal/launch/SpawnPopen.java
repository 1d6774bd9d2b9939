package org.multiprocessing4j.internal.launch;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.multiprocessing4j.internal.Log;
import org.multiprocessing4j.internal.channel.AuthKey;
import org.multiprocessing4j.internal.channel.ChildSession;
import org.multiprocessing4j.internal.channel.ControlProtocol;
import org.multiprocessing4j.internal.channel.ControlServer;
import org.multiprocessing4j.internal.channel.Frame;
import org.multiprocessing4j.internal.channel.FrameChannel;
import org.multiprocessing4j.internal.shm.Deadline;
import org.multiprocessing4j.internal.shm.Liveness;
import org.multiprocessing4j.internal.sys.JvmCommand;
import org.multiprocessing4j.internal.wire.CorruptFrameException;

/**
 * A child started as a fresh JVM (start method SPAWN), as seen from its parent; CPython's
 * {@code popen_spawn_posix}.
 *
 * <p>The task goes down the child's standard input ({@link BootMessage}). The child connects to the
 * control channel only to report an exit that its status would misrepresent ({@link ExitReport}).
 * The child's exit code is settled once both the OS process has ended and, if it connected, its
 * control channel has been read to the end, so that a report sent just before dying is never
 * missed; {@link #decode} turns the two into Python's exit code. The channel is waited for at most
 * {@link #REPORT_GRACE} after the process has gone, in case a descendant still holds it open.
 */
public final class SpawnPopen implements ChildSession {
    /** How long after the child's death its last report may still be in flight. */
    static final Duration REPORT_GRACE = Duration.ofSeconds(2);
    /** The JDK reports death by signal N as exit status 128 + N. */
    public static final int SIGNAL_STATUS_BASE = 128;
    private static final int MAX_SIGNAL = 64;
    private static final int SIGKILL = 9;
    private static final int SIGTERM = 15;
    /** What a pipe holds before a write blocks: Linux's default of 16 pages. */
    private static final int PIPE_CAPACITY = 64 * 1024;

    private final java.lang.Process os;
    private final byte[] token;
    private final CompletableFuture<Void> channelDrained = new CompletableFuture<>();
    private final CompletableFuture<Integer> exitCode;
    private volatile boolean reportedOrderly;
    private volatile String startError;
    /**
     * Whether the child was handed a task (true) or, a spare, let go without one (false): one that
     * ended before its task is a failed start only in the first case. A spare may die on a JVM
     * option it refuses before it is taken, so this, not the time of its death, decides.
     */
    private final CompletableFuture<Boolean> handedATask = new CompletableFuture<>();
    /** The signal {@link #terminate} or {@link #kill} sent the child, or 0. */
    private volatile int signalSent;

    /**
     * Starts the JVM, which then waits for its {@link BootMessage}; {@link #handOver} sends it.
     *
     * @param spare whether the JVM is a {@link Spares spare}, which prepares itself while it waits
     *     and may be dismissed instead ({@link #dismiss})
     */
    private SpawnPopen(String classPath, List<String> jvmOptions, ProcessBuilder.Redirect output, boolean spare)
            throws IOException {
        this.token = AuthKey.randomBytes(ControlProtocol.TOKEN_LENGTH);
        ControlServer server = ControlServer.acquire();
        List<String> command = List.of();
        Path marker = BootReport.marker(server.socketPath(), token);
        try {
            server.expect(token, this);
            BootReport.create(marker);
            command = spare
                    ? JavaCommand.forSpare(classPath, jvmOptions, server.socketPath())
                    : JavaCommand.forChild(classPath, jvmOptions, server.socketPath());
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectOutput(output)
                    .redirectError(output);
            os = builder.start();
        } catch (IOException | RuntimeException e) {
            server.withdraw(token);
            BootReport.collect(marker);
            ControlServer.release();
            JvmCommand.deleteArgumentFileOf(command);
            throw e;
        }
        List<String> started = command;
        exitCode = os.onExit()
                .thenCompose(p -> {
                    if (server.withdraw(token)) {
                        channelDrained.complete(null); // it never connected, and now never will
                    }
                    return channelDrained.completeOnTimeout(null, REPORT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
                })
                .thenCompose(ignored -> settle(marker, started))
                .whenComplete((code, failure) -> {
                    if (code != null && code < 0) {
                        ControlServer.removeDirectoriesOfDeadChild(os.pid());
                    }
                    JvmCommand.deleteArgumentFileOf(started);
                    ControlServer.release();
                    Liveness.childEnded();
                });
    }

    /**
     * The exit code, once the child has ended and its channel is drained; first learns, from its
     * {@link BootReport}, whether it ever reached its task. A spare that ended before it did waits
     * to be handed a task or let go ({@link #handedATask}). Diagnosing a JVM that failed before the
     * library's main runs it again, so that is done on a thread of its own, off the JDK's process
     * reaper.
     */
    private CompletableFuture<Integer> settle(Path marker, List<String> command) {
        String error = BootReport.collect(marker);
        int code = decode(os.exitValue(), reportedOrderly, error == null, signalSent);
        if (error == null || code < 0) {
            return CompletableFuture.completedFuture(code); // it started, or was killed while starting
        }
        return handedATask.thenCompose(handed -> handed
                ? failedToStart(error, command, code)
                : CompletableFuture.completedFuture(code)); // a spare let go, which ended as asked
    }

    /** The exit code of a child that could not start, once its error is known: {@code error} or, empty, the diagnosis. */
    private CompletableFuture<Integer> failedToStart(String error, List<String> command, int code) {
        if (!error.isEmpty()) {
            reportStartError(error);
            return CompletableFuture.completedFuture(code);
        }
        return CompletableFuture.supplyAsync(() -> {
            reportStartError(BootReport.diagnose(command));
            return code;
        }, runnable -> Thread.ofPlatform().daemon().name("mp4j-diagnose-" + os.pid()).start(runnable));
    }

    private void reportStartError(String error) {
        startError = error;
        Log.warning("child process " + os.pid() + " could not start: " + error);
    }

    /**
     * Why the child could not start, once it has ended without reaching its task (a JVM option it
     * refused, a class it could not load, a task it could not read); empty if it started, or has not
     * ended.
     */
    public Optional<String> startError() {
        return exitCode.isDone() ? Optional.ofNullable(startError) : Optional.empty();
    }

    /**
     * Starts a child JVM that will run the task serialized in {@code launchPayload}, with the
     * parent's standard output and error.
     *
     * @param holdsRings whether the task holds rings, for the child to link its futex call at once
     *     ({@link BootMessage})
     * @param application the class of the task, which the child must be able to load
     * @param coverage what the child's {@link AotCache} must cover
     * @param trainingPayload the training task for that cache, serialized; asked for once, in the
     *     background, if the cache for this class path should be made
     * @throws IllegalStateException if {@code application} was loaded where no child could load it
     *     ({@link ClassPath}); nothing is started
     * @throws IOException if the JVM cannot be started
     */
    public static SpawnPopen start(byte[] launchPayload, boolean holdsRings, Class<?> application,
            List<String> jvmOptions, AotCoverage coverage, Supplier<byte[]> trainingPayload) throws IOException {
        return start(launchPayload, holdsRings, ClassPath.forChild(application), jvmOptions, coverage,
                trainingPayload);
    }

    /**
     * As {@link #start(byte[], boolean, Class, List, AotCoverage, Supplier)}, for the class path
     * {@link ClassPath} gave.
     */
    static SpawnPopen start(byte[] launchPayload, boolean holdsRings, String applicationClassPath,
            List<String> jvmOptions, AotCoverage coverage, Supplier<byte[]> trainingPayload) throws IOException {
        String classPath = AotCache.childClassPath(applicationClassPath);
        SpawnPopen child = new SpawnPopen(classPath, optionsFor(classPath, jvmOptions, coverage, trainingPayload),
                ProcessBuilder.Redirect.INHERIT, false);
        child.handOver(launchPayload, holdsRings);
        return child;
    }

    /**
     * Starts a {@link Spares spare}: a JVM for {@code classPath} and the user's {@code jvmOptions}
     * that waits for {@link #handOver}, with the parent's standard output and error. Its input
     * first carries {@code warmUpPayload}, a task with no key and no token that it only decodes and
     * {@link ChildTask#prepare prepares}; it is small enough for the pipe to hold. Its task is not
     * known yet, so its cache covers the {@link AotCoverage#LIBRARY library}, which
     * {@code trainingPayload} trains.
     */
    static SpawnPopen startSpare(String classPath, List<String> jvmOptions, Supplier<byte[]> trainingPayload,
            Supplier<byte[]> warmUpPayload) throws IOException {
        String childClassPath = AotCache.childClassPath(classPath);
        SpawnPopen spare = new SpawnPopen(childClassPath,
                optionsFor(childClassPath, jvmOptions, AotCoverage.LIBRARY, trainingPayload),
                ProcessBuilder.Redirect.INHERIT, true);
        byte[] warmUp = new BootMessage(new byte[AuthKey.LENGTH], new byte[ControlProtocol.TOKEN_LENGTH],
                ProcessHandle.current().pid(), false, warmUpPayload.get()).encode();
        try {
            OutputStream stdin = spare.os.getOutputStream();
            stdin.write(warmUp);
            stdin.flush();
        } catch (IOException e) {
            Log.debug("could not warm up spare " + spare.pid() + ", which has ended: " + e);
        }
        return spare;
    }

    /**
     * The options of a child for {@code classPath}: the library's, those of the {@link AotCache} of
     * {@code coverage} when there is one, then the user's. Asks for the training task, once, in the
     * background, if the cache should be made.
     */
    private static List<String> optionsFor(String classPath, List<String> jvmOptions, AotCoverage coverage,
            Supplier<byte[]> trainingPayload) {
        List<String> options = new ArrayList<>(SourceProgram.childOptions());
        AotCache cache = AotCache.forClassPath(classPath, coverage);
        if (cache != null) {
            options.addAll(cache.useOptions(jvmOptions));
            if (!cache.trainingStarted()) {
                // Not a daemon: a program that ends at once still launches its trainer before exiting.
                Thread.ofPlatform().daemon(false).name("mp4j-aot-trainer-launch")
                        .start(() -> cache.trainInBackground(trainingPayload.get()));
            }
        }
        options.addAll(jvmOptions);
        return options;
    }

    /** The child an {@link AotTrainer} runs to record the cache into {@code output}; output discarded. */
    static SpawnPopen startTraining(byte[] trainingPayload, Path output) throws IOException {
        SpawnPopen trainer = new SpawnPopen(System.getProperty("java.class.path", ""),
                AotCache.trainingOptions(output), ProcessBuilder.Redirect.DISCARD, false);
        trainer.handOver(trainingPayload, false);
        return trainer;
    }

    /**
     * Python's exit code from the OS exit status and whether the child reported an orderly exit:
     * a reported one gives the status as it is (so {@code System.exit(130)} is 130); no report and a
     * status of 128 + N means the child died of signal N, e.g. SIGKILL gives -9.
     */
    static int decode(int status, boolean orderly) {
        if (!orderly && looksLikeSignal(status)) {
            return -(status - SIGNAL_STATUS_BASE);
        }
        return status;
    }

    /**
     * {@link #decode(int, boolean)}, except for a child that this process signalled before it
     * reached its task: that one ended of the signal, as {@code -signal}, whatever status its JVM
     * gave. A JVM that a SIGTERM finds in the middle of its own start-up may end it with status 1
     * ("Error occurred during initialization of VM"), not 128 + 15; Python's child, signalled at
     * any point of its start, reports -15.
     *
     * @param signalSent the signal {@link #terminate} or {@link #kill} sent, or 0
     */
    static int decode(int status, boolean orderly, boolean reachedTask, int signalSent) {
        if (!reachedTask && signalSent != 0) {
            return -signalSent;
        }
        return decode(status, orderly);
    }

    /** True if the JDK could report {@code status} for death by a signal: 128 + N. */
    static boolean looksLikeSignal(int status) {
        return status > SIGNAL_STATUS_BASE && status <= SIGNAL_STATUS_BASE + MAX_SIGNAL;
    }

    public long pid() {
        return os.pid();
    }

    /** True until the exit code is settled. */
    public boolean isAlive() {
        return !exitCode.isDone();
    }

    /**
     * True once the JVM has exited, which may be before its exit code is settled: a spare's is
     * settled once it is handed a task or let go.
     */
    boolean hasExited() {
        return !os.isAlive();
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
            exitCode.get(Deadline.nanos(timeout), TimeUnit.NANOSECONDS);
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
        signal(SIGTERM, false);
    }

    /** SIGKILL; does nothing once the child has ended, but lets go of a spare that had. */
    public void kill() {
        handedATask.complete(false);
        signal(SIGKILL, true);
    }

    private void signal(int number, boolean forcibly) {
        if (os.isAlive()) {
            signalSent = number;
            if (forcibly) {
                os.destroyForcibly();
            } else {
                os.destroy();
            }
        }
    }

    /** Runs on the connection's thread if the child connects, which it does only to report its exit. */
    @Override
    public void serve(FrameChannel channel) throws IOException {
        try {
            for (Frame frame; (frame = channel.read()) != null; ) {
                if (frame.type() != ControlProtocol.EXIT_ORDERLY) {
                    throw new CorruptFrameException(
                            "unexpected frame of type " + frame.type() + " from child " + os.pid());
                }
                reportedOrderly = true;
            }
        } finally {
            channelDrained.complete(null);
        }
    }

    /**
     * Sends the child its task, and whether it holds rings: writes the {@link BootMessage} down its
     * standard input and closes it. A message larger than a pipe holds is written by a thread of its
     * own, so that {@code start()} does not wait for the child JVM to boot and read it. A write that
     * fails means the child died first; its exit status tells why.
     */
    void handOver(byte[] task, boolean holdsRings) {
        handedATask.complete(true);
        byte[] key = AuthKey.current();
        byte[] message = new BootMessage(key, token, ProcessHandle.current().pid(), holdsRings, task).encode();
        AuthKey.wipe(key);
        if (message.length <= PIPE_CAPACITY) {
            writeToStdin(message);
        } else {
            Thread.ofPlatform().daemon().name("mp4j-launch-" + os.pid()).start(() -> writeToStdin(message));
        }
    }

    /**
     * Tells a spare that was never handed a task that none will come: it exits with status 0. A
     * spare that had ended is let go all the same.
     */
    void dismiss() {
        handedATask.complete(false);
        try (OutputStream stdin = os.getOutputStream()) {
            stdin.write(BootMessage.DISMISS);
        } catch (IOException e) {
            Log.debug("could not dismiss spare " + os.pid() + ", which has ended: " + e);
        }
    }

    private void writeToStdin(byte[] message) {
        try (OutputStream stdin = os.getOutputStream()) {
            stdin.write(message);
        } catch (IOException e) {
            Log.debug("could not send child " + os.pid() + " its task: " + e);
        } finally {
            Arrays.fill(message, (byte) 0);
        }
    }
}
