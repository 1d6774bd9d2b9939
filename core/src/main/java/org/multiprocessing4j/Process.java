package org.multiprocessing4j;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Serial;
import java.io.Serializable;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.multiprocessing4j.function.SerializableRunnable;
import org.multiprocessing4j.internal.launch.AotCoverage;
import org.multiprocessing4j.internal.launch.PrespawnPopen;
import org.multiprocessing4j.internal.launch.SpawnPopen;
import org.multiprocessing4j.internal.launch.UserThreads;
import org.multiprocessing4j.internal.shm.LaunchPins;
import org.multiprocessing4j.internal.wire.LambdaCodec;
import org.multiprocessing4j.internal.wire.PreparedLambdas;

/**
 * A task run in a child process, as Python's {@code multiprocessing.Process}: either a
 * {@link SerializableRunnable} target, or a subclass that overrides {@link #run()}.
 *
 * <p>{@link #start()} serializes this object (its target and everything the target captures, or
 * the subclass's fields) and starts a fresh JVM that deserializes it and calls {@code run()}. The
 * child uses the parent's {@code java}, class path and standard output and error, plus the options
 * given to {@link #setJvmOptions}. In the child, {@link Multiprocessing#currentProcess()} is the
 * deserialized copy, with the same name and, through {@link #pid()}, the same pid as the parent's
 * handle.
 *
 * <p>Exit codes follow Python: 0 when {@code run()} returns, 1 when it throws (the child prints
 * {@code Process <name>:} and the stack trace on its standard error), n after {@code System.exit(n)},
 * and -N when the child is killed by signal N ({@link #terminate()} gives -15, {@link #kill()} -9).
 * A child waits for its own non-daemon threads before it exits.
 *
 * <p>When the main thread of the parent and its other non-daemon threads have ended, daemon children
 * are terminated and the others are waited for, whether or not the program joined them. Beyond
 * Python, a child never outlives its parent: if the parent dies, even by SIGKILL, the child exits
 * at once.
 *
 * <p>A handle is used by the process that created it. Its methods are thread-safe.
 *
 * <pre>{@code
 * Process p = new Process(() -> System.out.println("hello from " + ProcessHandle.current().pid()));
 * p.setJvmOptions(List.of("-Xmx64m"));
 * p.start();
 * if (!p.join(Duration.ofSeconds(5))) {
 *     p.kill();                    // really stops it: exitCode() is then -9
 * }
 * }</pre>
 */
public class Process implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    /** The task, or null for a subclass that overrides {@link #run()}. */
    private final SerializableRunnable target;
    /** Where the process stands in the tree, e.g. [1, 2] for {@code Process-1:2}. */
    private final int[] identity;
    /** The name, {@code Process-N} unless set. */
    private volatile String name;
    /** Whether the child is a daemon. */
    private volatile boolean daemon;
    /** Extra options for the child JVM. */
    private volatile List<String> jvmOptions = List.of();

    /** The running child, once started; null before, and in any other process. */
    private transient volatile SpawnPopen popen;
    /** True for the object that represents the process this code runs in. */
    private transient volatile boolean current;
    private transient volatile boolean closed;
    /** The class whose loader tells the child's class path, when not the target's ({@link #setClassPathOf}). */
    private transient volatile Class<?> classPathOf;
    /** How the child is started; null for {@link Multiprocessing#getStartMethod()} at start. */
    private transient volatile StartMethod startMethod;

    /**
     * A process that will run {@code target}; named {@code Process-N}.
     *
     * @param target the task, a serializable lambda; what it captures goes to the child with it
     */
    public Process(SerializableRunnable target) {
        this(Objects.requireNonNull(target, "target"), null);
    }

    /**
     * A process that will run {@code target}, with the given name.
     *
     * @param target the task, a serializable lambda; what it captures goes to the child with it
     * @param name the name; null for {@code Process-N}
     */
    public Process(SerializableRunnable target, String name) {
        this(Objects.requireNonNull(target, "target"), name, ProcessTree.nextChildIdentity(),
                ProcessTree.current().isDaemon());
    }

    /** For subclasses that override {@link #run()}; named after the subclass, e.g. {@code F-1}. */
    protected Process() {
        this(null, null, ProcessTree.nextChildIdentity(), ProcessTree.current().isDaemon());
    }

    /**
     * For subclasses that override {@link #run()}, with the given name.
     *
     * @param name the name; null for the default, after the subclass
     */
    protected Process(String name) {
        this(null, name, ProcessTree.nextChildIdentity(), ProcessTree.current().isDaemon());
    }

    /** For the objects that stand for processes not started here: the main and a parent process. */
    Process(SerializableRunnable target, String name, int[] identity, boolean daemon) {
        this.target = target;
        this.identity = identity;
        this.name = name != null ? name : defaultName(getClass(), identity);
        this.daemon = daemon;
    }

    /** The copy of a plain process that a child reads from its launch message. */
    static Process restored(SerializableRunnable target, String name, int[] identity, boolean daemon,
            List<String> jvmOptions) {
        Process process = new Process(target, name, identity, daemon);
        process.jvmOptions = List.copyOf(jvmOptions);
        return process;
    }

    /** The target given to the constructor; null for a subclass that overrides {@link #run()}. */
    SerializableRunnable target() {
        return target;
    }

    /** The object for the process this code runs in, when it is a main process. */
    static Process mainProcess() {
        Process main = new Process(null, "MainProcess", new int[0], false);
        main.current = true;
        return main;
    }

    /**
     * Runs the task; called in the child. The default runs the target given to the constructor, and
     * rethrows whatever it throws, checked or not, so that the child reports the task's own
     * exception. Subclasses override it.
     */
    public void run() {
        if (target != null) {
            try {
                target.run();
            } catch (Exception e) {
                throw Process.<RuntimeException>sneaky(e);
            }
        }
    }

    /**
     * Starts the child process and returns without waiting for it to run.
     *
     * @throws IllegalStateException if this process was started before, is closed, or is being
     *     started from a daemon process ({@code "daemonic processes are not allowed to have
     *     children"}), or from another process than the one that created it
     * @throws IllegalArgumentException if this object cannot be serialized; the message names the
     *     class that is not serializable. Nothing is started.
     * @throws IllegalStateException also if the task's class was loaded where no child JVM could
     *     load it (jshell, a fat JAR of nested JARs): the message says why and what to do
     * @throws UncheckedIOException if the child JVM cannot be started
     */
    public synchronized void start() {
        checkNotClosed();
        if (popen != null || current) {
            throw new IllegalStateException("cannot start a process twice");
        }
        if (ProcessTree.current().isDaemon()) {
            throw new IllegalStateException("daemonic processes are not allowed to have children");
        }
        Process parent = ProcessTree.current();
        List<Connection> ends = capturedEnds();
        LaunchPins pins = new LaunchPins(); // from here on released on every path
        ChildLaunch childLaunch = new ChildLaunch(this, parent.name(), ProcessHandle.current().pid());
        byte[] launch = pins.collectWhile(childLaunch::encode);
        boolean holdsRings = pins.holdsRings();
        SpawnPopen started;
        try {
            started = switch (startMethod()) {
                case SPAWN -> {
                    AotCoverage coverage = childLaunch.coverage();
                    yield SpawnPopen.start(launch, holdsRings, applicationClass(), jvmOptions, coverage,
                            () -> trainingLaunch(applicationClasses(), coverage));
                }
                case PRESPAWN -> {
                    PreparedLambdas.record(target);
                    yield PrespawnPopen.start(launch, holdsRings, applicationClass(), jvmOptions,
                            childLaunch::coverage, coverage -> trainingLaunch(applicationClasses(), coverage),
                            Process::spareWarmUp);
                }
            };
        } catch (IOException e) {
            pins.release();
            throw new UncheckedIOException("could not start a JVM for " + name + ": " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            pins.release();
            throw e;
        }
        started.onExit().whenComplete((code, failure) -> pins.release());
        try {
            for (Connection end : ends) {
                end.heldBy(started.pid());
            }
        } catch (IllegalStateException tooManyHolders) { // others took the last room since capturedEnds looked
            started.kill();
            throw tooManyHolders;
        }
        popen = started;
        ProcessTree.addChild(this);
    }

    /**
     * How this process is started: the start method of the context that made it, or else the
     * default one ({@link Multiprocessing#setStartMethod}) at the time of {@link #start()}.
     *
     * @return the start method
     */
    public StartMethod startMethod() {
        StartMethod method = startMethod;
        return method != null ? method : Multiprocessing.getStartMethod();
    }

    /** Binds this process, not yet started, to {@code method}: a context's processes. */
    Process withStartMethod(StartMethod method) {
        startMethod = method;
        return this;
    }

    /**
     * The pipe ends the target captures, which the child will hold from its start.
     *
     * @throws IllegalStateException if one of them has no room for another holder
     */
    private List<Connection> capturedEnds() {
        List<Connection> ends = new ArrayList<>();
        for (Object captured : LambdaCodec.capturedValues(target)) {
            if (captured instanceof Connection end) {
                ends.add(end);
            } else if (captured instanceof Pipe pipe) {
                ends.add(pipe.first());
                ends.add(pipe.second());
            }
        }
        for (Connection end : ends) {
            if (!end.hasRoomForHolder()) {
                throw new IllegalStateException("cannot start " + name + ": " + end
                        + " is held by as many live processes as it can record");
            }
        }
        return ends;
    }

    /**
     * Blocks until the child has ended.
     *
     * @throws IllegalStateException if this process was not started by this process, or is closed
     * @throws InterruptedException if the calling thread is interrupted while waiting; the child
     *     runs on
     */
    public void join() throws InterruptedException {
        started().join();
        ProcessTree.removeChild(this);
    }

    /**
     * Blocks until the child has ended or {@code timeout} has passed; a zero or negative timeout
     * does not block.
     *
     * @param timeout how long to wait at most; any size, or null for no limit (Python's None)
     * @return true if the child has ended
     * @throws IllegalStateException as {@link #join()}
     * @throws InterruptedException as {@link #join()}
     */
    public boolean join(Duration timeout) throws InterruptedException {
        if (timeout == null) {
            join();
            return true;
        }
        boolean ended = started().join(timeout);
        if (ended) {
            ProcessTree.removeChild(this);
        }
        return ended;
    }

    /**
     * True from {@link #start()} until the child has ended; always true for the current process.
     *
     * @return whether the child runs
     * @throws IllegalStateException if this process is closed
     */
    public boolean isAlive() {
        checkNotClosed();
        return current || running();
    }

    /** True while the started child runs: {@link #isAlive}, but never throwing, for {@link ProcessTree}. */
    boolean running() {
        SpawnPopen p = popen;
        return p != null && p.isAlive();
    }

    /**
     * How the child ended: empty before start and while it runs; 0 if {@code run()} returned, 1 if
     * it threw, n after {@code System.exit(n)}, -N if it was killed by signal N.
     *
     * @return the exit code, once the child has ended
     * @throws IllegalStateException if this process is closed
     */
    public OptionalInt exitCode() {
        checkNotClosed();
        SpawnPopen p = popen;
        return p == null ? OptionalInt.empty() : p.exitCode();
    }

    /**
     * Why the child could not start, if it ended without reaching its task: a JVM option it
     * refused, a class it could not load, a task it could not read. Such a child is not a task that
     * threw, although its exit code may be 1 as well; the parent also logs the error as a warning.
     * Empty while the child runs, and for a child that started.
     *
     * @return the child's error, if it could not start
     * @throws IllegalStateException if this process is closed
     */
    public Optional<String> startError() {
        checkNotClosed();
        SpawnPopen p = popen;
        return p == null ? Optional.empty() : p.startError();
    }

    /**
     * The child's pid once started; this JVM's pid for the current process; empty before start.
     *
     * @return the pid
     * @throws IllegalStateException if this process is closed
     */
    public OptionalLong pid() {
        checkNotClosed();
        if (current) {
            return OptionalLong.of(ProcessHandle.current().pid());
        }
        SpawnPopen p = popen;
        return p == null ? OptionalLong.empty() : OptionalLong.of(p.pid());
    }

    /**
     * The name: {@code Process-N}, {@code Process-1:2} for a child's child, or as set.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Sets the name, which only identifies the process; it need not be unique.
     *
     * @param name the new name
     */
    public void setName(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /**
     * Whether this is a daemon process: terminated when its parent's program ends, and not allowed
     * to have children. The default is the creating process's flag.
     *
     * @return whether it is a daemon
     */
    public boolean isDaemon() {
        return daemon;
    }

    /**
     * Makes this a daemon process, or not, before it starts.
     *
     * @param daemon whether it is a daemon
     * @throws IllegalStateException if the process has been started
     */
    public synchronized void setDaemon(boolean daemon) {
        checkNotStarted();
        this.daemon = daemon;
    }

    /**
     * Sends SIGTERM to the child. It ends with exit code -15 without running its exit handlers;
     * its own children notice and exit too. Does nothing if it has already ended.
     *
     * @throws IllegalStateException if this process was not started by this process, or is closed
     */
    public void terminate() {
        started().terminate();
    }

    /** Sends SIGKILL to the child: exit code -9. Otherwise as {@link #terminate()}. */
    public void kill() {
        started().kill();
    }

    /**
     * Releases what this handle holds. Afterwards only {@link #name()}, {@link #isDaemon()} and
     * {@code close()} may be called; the others throw {@link IllegalStateException}. Closing twice is
     * fine.
     *
     * @throws IllegalStateException if the child is still running
     */
    public synchronized void close() {
        SpawnPopen p = popen;
        if (p != null && p.isAlive()) {
            throw new IllegalStateException("Cannot close a process while it is still running. "
                    + "You should first call join() or terminate().");
        }
        ProcessTree.removeChild(this);
        popen = null;
        closed = true;
    }

    /**
     * Extra options for the child JVM, e.g. {@code -Xmx64m} or {@code -Dkey=value}, placed after the
     * library's own options so that they win.
     *
     * @param options the options, one per element
     * @return this process
     * @throws IllegalStateException if the process has been started
     */
    public synchronized Process setJvmOptions(List<String> options) {
        Objects.requireNonNull(options, "options");
        checkNotStarted();
        this.jvmOptions = List.copyOf(options);
        return this;
    }

    /**
     * The extra JVM options of the child.
     *
     * @return the options given to {@link #setJvmOptions}
     */
    public List<String> jvmOptions() {
        return jvmOptions;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("<").append(getClass().getSimpleName().isEmpty()
                ? "Process" : getClass().getSimpleName()).append(" name='").append(name).append('\'');
        if (closed) {
            s.append(" closed");
        } else if (current) {
            s.append(" current");
        } else if (popen == null) {
            s.append(" initial");
        } else {
            OptionalInt code = popen.exitCode();
            s.append(" pid=").append(popen.pid())
                    .append(code.isPresent() ? " stopped exitcode=" + code.getAsInt() : " started");
        }
        return s.append(daemon ? " daemon>" : ">").toString();
    }

    /**
     * Python's {@code _bootstrap}, in the child: becomes the current process, runs, reports an
     * uncaught exception, waits for non-daemon threads and children, and returns the exit status.
     */
    int bootstrap() {
        current = true;
        int status = 0;
        try {
            run();
        } catch (Throwable t) {
            // An orphan, about to halt, most likely fails because what its parent made went with
            // the parent, and nobody is left to read why.
            if (ProcessTree.parent().map(Process::isAlive).orElse(true)) {
                printUncaught(t);
            }
            status = 1;
        } finally {
            try {
                UserThreads.awaitOthers();
                ProcessExit.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            System.out.flush();
            System.err.flush();
        }
        return status;
    }

    /** Python's {@code Process <name>:} line and traceback, as one write so that it stays whole. */
    private void printUncaught(Throwable t) {
        StringWriter text = new StringWriter();
        try (PrintWriter out = new PrintWriter(text)) {
            out.println("Process " + name + ":");
            t.printStackTrace(out);
        }
        System.err.print(text);
        System.err.flush();
    }

    /**
     * What a spare JVM decodes and {@link ChildLaunch#prepare prepares} while it waits for its task
     * ({@link StartMethod#PRESPAWN}): the launch of a process, in the compact form most targets take,
     * whose target prepares the lambdas of the targets this process started last ({@link PreparedLambdas}).
     */
    static byte[] spareWarmUp() {
        byte[] recentTargets = PreparedLambdas.recent();
        SerializableRunnable prepareLambdas = () -> PreparedLambdas.prepare(recentTargets);
        return new ChildLaunch(new Process(prepareLambdas, "SpareWarmUp", new int[0], false), "MainProcess",
                ProcessHandle.current().pid()).encode();
    }

    /**
     * The serialized task of the child that trains the AOT cache of {@code coverage}: a task that
     * goes through the whole bootstrap, lambda deserialization included, as a real child's does,
     * then, for the {@link AotCoverage#LIBRARY library}, runs its hot paths ({@link AotTraining}),
     * and loads the given classes of the application, which a child of the application loads from
     * its JARs otherwise.
     */
    static byte[] trainingLaunch(List<String> classes, AotCoverage coverage) {
        String applicationClasses = String.join(",", classes);
        SerializableRunnable exercise = coverage == AotCoverage.LIBRARY
                ? () -> AotTraining.exercise(applicationClasses)
                : () -> AotTraining.loadWithoutInitializing(applicationClasses);
        Process training = new Process(exercise, "AotTraining", new int[0], false);
        return new ChildLaunch(training, "MainProcess", ProcessHandle.current().pid()).encode();
    }

    /** The class a child must load to run this process: the subclass, or the target's (a lambda's class lives in its capturing class's loader). */
    private Class<?> applicationClass() {
        Class<?> given = classPathOf;
        return given != null ? given : target == null ? getClass() : target.getClass();
    }

    /**
     * The first class on the calling thread's stack that is none of {@code library}, nor this one
     * (whose frame this method's own is): the application that made a pool or a manager, whose class
     * path its children need ({@link #setClassPathOf}); {@code library[0]} if there is none.
     */
    static Class<?> callerOutside(Class<?>... library) {
        List<Class<?>> ours = List.of(library);
        return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                .walk(frames -> frames.map(StackWalker.StackFrame::getDeclaringClass)
                        .filter(type -> type != Process.class && !ours.contains(type)).findFirst().orElse(library[0]));
    }

    /**
     * Starts the child with the class path of {@code application}'s loader rather than the
     * target's: for code that starts children on an application's behalf and runs its own code in
     * them, whose children load the application's classes (a pool's workers, a cluster's nodes).
     * It matters where the application's classes are not where the library's are: a single-file
     * program's, or those of a host with a class loader of its own.
     *
     * @param application a class of the application
     * @return this process
     * @throws IllegalStateException if the process has been started
     */
    public synchronized Process setClassPathOf(Class<?> application) {
        checkNotStarted();
        classPathOf = Objects.requireNonNull(application, "application");
        return this;
    }

    /** The application's classes a child loads to become this process: its subclass, its target's class. */
    private List<String> applicationClasses() {
        List<String> names = new ArrayList<>();
        if (getClass() != Process.class) {
            names.add(getClass().getName());
        }
        String capturing = LambdaCodec.capturingClassName(target);
        if (capturing != null) {
            names.add(capturing);
        }
        return names;
    }

    /** Python's {@code _identity}: the position of this process in the tree, e.g. [1, 2]. */
    int[] identity() {
        return identity.clone();
    }

    /** The running or finished child; throws if there is none. */
    private SpawnPopen started() {
        checkNotClosed();
        if (current) {
            throw new IllegalStateException("can only join, terminate or kill a child process, not the current one");
        }
        SpawnPopen p = popen;
        if (p == null) {
            throw new IllegalStateException("can only join, terminate or kill a process started by this process");
        }
        return p;
    }

    private void checkNotStarted() {
        if (popen != null || current) {
            throw new IllegalStateException("process has already started");
        }
    }

    private void checkNotClosed() {
        if (closed) {
            throw new IllegalStateException("process object is closed");
        }
    }

    /**
     * {@code Process-1}, {@code Process-1:2}, ...: a loop, not a stream, which would load the stream
     * classes and spin two lambdas in a program's first {@code new Process}.
     */
    private static String defaultName(Class<?> type, int[] identity) {
        StringBuilder name = new StringBuilder(type.getSimpleName().isEmpty() ? "Process" : type.getSimpleName()).append('-');
        for (int i = 0; i < identity.length; i++) {
            if (i > 0) {
                name.append(':');
            }
            name.append(identity[i]);
        }
        return name.toString();
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable t) throws E {
        throw (E) t;
    }
}
