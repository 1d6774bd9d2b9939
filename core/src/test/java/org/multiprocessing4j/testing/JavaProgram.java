package org.multiprocessing4j.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A class's {@code main} run as a program of its own, in a fresh JVM with the test class path, as a
 * user would run it: for what only a whole program shows (its main thread ending, its death by a
 * signal, its standard output). Output lines are collected as they come.
 */
public final class JavaProgram implements AutoCloseable {
    private final java.lang.Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> allLines = java.util.Collections.synchronizedList(new ArrayList<>());
    private final StringBuilder errors = new StringBuilder();
    private final Thread outReader;
    private final Thread errReader;

    private JavaProgram(java.lang.Process process) {
        this.process = process;
        outReader = Thread.ofPlatform().daemon().start(() -> pump(process.inputReader(StandardCharsets.UTF_8), true));
        errReader = Thread.ofPlatform().daemon().start(() -> pump(process.errorReader(StandardCharsets.UTF_8), false));
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
            return new JavaProgram(new ProcessBuilder(command).start());
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
        outReader.join(timeout.toMillis());
        errReader.join(timeout.toMillis());
        return process.exitValue();
    }

    /** Every line printed on standard output so far. */
    public List<String> output() {
        synchronized (allLines) {
            return List.copyOf(allLines);
        }
    }

    public String stderr() {
        synchronized (errors) {
            return errors.toString();
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
    }

    private void pump(BufferedReader reader, boolean stdout) {
        try (reader) {
            for (String line; (line = reader.readLine()) != null; ) {
                if (stdout) {
                    allLines.add(line);
                    lines.add(line);
                } else {
                    synchronized (errors) {
                        errors.append(line).append('\n');
                    }
                }
            }
        } catch (IOException e) {
            // the program is gone
        }
    }
}
