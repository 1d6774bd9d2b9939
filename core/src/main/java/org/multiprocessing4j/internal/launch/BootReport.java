package org.multiprocessing4j.internal.launch;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Whether a child got as far as its task, and if it did not, why: so that a child that could not
 * start (a bad JVM option, a class it cannot load, a task it cannot read) is reported to its parent
 * as such, with its error, and not taken for a task that threw (both exit with status 1).
 *
 * <p>Before it starts the child, the parent creates an empty marker file,
 * {@code <token>.starting}, in its private control directory. The child deletes it once it has read
 * and decoded its task, one {@code unlink} that costs it nothing measurable; if it fails before,
 * it writes its error into the marker instead. So after the child has ended, the parent finds one
 * of three things: no marker (it started; whatever status it has is the task's), a marker with an
 * error, or an empty marker, which means the JVM failed before the library's {@code main} ran. The
 * JVM printed why on the output it shares with its parent; to put that text in the report
 * too, the parent runs the same command once more with its output captured and standard input
 * empty, which fails at the same point ({@link #diagnose}). That costs a JVM start, and only on this
 * failure.
 */
final class BootReport {
    private static final String SUFFIX = ".starting";
    /** How long the diagnosing run may take; a JVM that fails before main fails in milliseconds. */
    static final Duration DIAGNOSIS_LIMIT = Duration.ofSeconds(10);
    /** How much of the diagnosing run's error output is kept. */
    private static final int MAX_ERROR_BYTES = 4096;

    private BootReport() {}

    /** The marker of the child with {@code token}, beside the control socket. */
    static Path marker(Path socket, byte[] token) {
        StringBuilder name = new StringBuilder(token.length * 2 + SUFFIX.length());
        for (byte b : token) {
            name.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return socket.resolveSibling(name.append(SUFFIX).toString());
    }

    /** In the parent, before the child starts. */
    static void create(Path marker) throws IOException {
        Files.createFile(marker);
    }

    /**
     * In the parent, once the child has ended: null if it reached its task, else what it wrote (empty
     * if it failed before the library's {@code main}). Deletes the marker.
     */
    static String collect(Path marker) {
        try {
            String error = Files.readString(marker, StandardCharsets.UTF_8);
            Files.deleteIfExists(marker);
            return error;
        } catch (IOException e) {
            return null; // deleted by the child: it started
        }
    }

    /** In the child, once its task is decoded: through {@link File}, which a fresh JVM has loaded already. */
    static void started(Path marker) {
        new File(marker.toString()).delete();
    }

    /** In the child that cannot run its task. */
    static void failed(Path marker, String error) {
        try {
            Files.writeString(marker, error, StandardCharsets.UTF_8);
        } catch (IOException e) {
            // the parent then diagnoses it as one that failed before main
        }
    }

    /**
     * What a JVM started with {@code command} prints before it ends, with standard input empty, at
     * most {@link #DIAGNOSIS_LIMIT}.
     */
    static String diagnose(List<String> command) {
        try {
            java.lang.Process rerun = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true) // HotSpot prints some start-up errors on standard output
                    .start();
            byte[] error;
            try (InputStream err = rerun.getInputStream()) {
                if (!rerun.waitFor(DIAGNOSIS_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    rerun.destroyForcibly();
                    return "the JVM did not reach the library's main, and a second try did not end within "
                            + DIAGNOSIS_LIMIT.toSeconds() + " s";
                }
                error = err.readNBytes(MAX_ERROR_BYTES);
            }
            String text = new String(error, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "the JVM ended with status " + rerun.exitValue() + " before the library's main" : text;
        } catch (IOException e) {
            return "the JVM did not reach the library's main, and could not be run again to see why: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "the JVM did not reach the library's main";
        }
    }
}
