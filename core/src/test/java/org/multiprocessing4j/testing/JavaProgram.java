package org.multiprocessing4j.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A class's {@code main} run as a program of its own, in a fresh JVM with the test class path, as a
 * user would run it: for what only a whole program shows (its main thread ending, its death by a
 * signal, its standard output). Output lines are collected as they come.
 *
 * <p>The program writes its standard output and error to files, not pipes: its children write to
 * the same streams and may outlive it, and when a program ends the JDK drains what its pipe holds
 * and closes it, so a reader blocked on the pipe failed and what was written from then on was lost
 * (the last lines of a program whose children still ran, a spare's message after its parent ended).
 * A file keeps all of it; a thread of ours reads the new lines of the output file every
 * {@link #TAIL_PERIOD}.
 */
public final class JavaProgram implements AutoCloseable {
    private static final Duration TAIL_PERIOD = Duration.ofMillis(5);
    private final java.lang.Process process;
    private final Path out;
    private final Path err;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> allLines = Collections.synchronizedList(new ArrayList<>());
    /** How far {@link #out} has been read; under this object's lock, as {@link #partialLine}. */
    private long outRead;
    /** What was read of a line not ended yet. */
    private final ByteArrayOutputStream partialLine = new ByteArrayOutputStream();
    private final Thread tail;

    private JavaProgram(java.lang.Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
        tail = Thread.ofPlatform().daemon().start(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    readNewLines();
                    Thread.sleep(TAIL_PERIOD);
                }
            } catch (InterruptedException e) {
                // closed
            }
        });
    }

    /** JVM options that every program {@link #start} starts gets, e.g. a default start method ({@link Prespawn}). */
    private static volatile List<String> programOptions = List.of();

    /** Sets the options that programs started from now on get; none by default. */
    public static void setProgramOptions(List<String> options) {
        programOptions = List.copyOf(options);
    }

    /** Starts {@code main} of {@code mainClass} with {@code args}, and the {@link #setProgramOptions program options}. */
    public static JavaProgram start(Class<?> mainClass, String... args) {
        List<String> options = new ArrayList<>(programOptions);
        options.addAll(List.of("-cp", System.getProperty("java.class.path")));
        return startWithClassPathOption(options, mainClass, args);
    }

    /** Runs {@code command}, a whole command line, as a program. */
    public static JavaProgram run(List<String> command) {
        try {
            Path out = Files.createTempFile("java-program-", ".out");
            Path err = Files.createTempFile("java-program-", ".err");
            return new JavaProgram(new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A tool of the running JDK, e.g. {@code java} or {@code jshell}. */
    public static String jdkTool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name).toString();
    }

    /** As {@link #start}, with the class path given by {@code classPathOption}, e.g. {@code @argfile}. */
    public static JavaProgram startWithClassPathOption(List<String> classPathOption, Class<?> mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(jdkTool("java"));
        command.add("--enable-native-access=ALL-UNNAMED");
        command.addAll(classPathOption);
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        return run(command);
    }

    /** The next line printed on standard output; throws if none comes within {@code timeout}. */
    public String nextLine(Duration timeout) throws InterruptedException {
        String line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) {
            throw new AssertionError("no output line within " + timeout + "; stderr: " + stderr());
        }
        return line;
    }

    /** Waits for the program to end; returns its exit status. */
    public int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("program did not end within " + timeout + "; output: "
                    + allLines + "; stderr: " + stderr());
        }
        readNewLines();
        return process.exitValue();
    }

    /** Every line printed on standard output so far. */
    public List<String> output() {
        readNewLines();
        synchronized (allLines) {
            return List.copyOf(allLines);
        }
    }

    /** Everything printed on standard error so far, by the program and by its children. */
    public String stderr() {
        try {
            return Files.readString(err, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public java.lang.Process process() {
        return process;
    }

    @Override
    public void close() {
        process.destroyForcibly();
        tail.interrupt();
        try {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Takes the lines ended in the output file since the last look. */
    private synchronized void readNewLines() {
        byte[] bytes;
        try (FileChannel file = FileChannel.open(out)) {
            ByteBuffer fresh = ByteBuffer.allocate((int) Math.max(0, file.size() - outRead));
            file.read(fresh, outRead);
            bytes = Arrays.copyOf(fresh.array(), fresh.position());
        } catch (IOException e) {
            return; // closed: the file is gone
        }
        outRead += bytes.length;
        for (byte b : bytes) {
            if (b != '\n') {
                partialLine.write(b);
                continue;
            }
            String line = partialLine.toString(StandardCharsets.UTF_8);
            partialLine.reset();
            allLines.add(line);
            lines.add(line);
        }
    }
}
