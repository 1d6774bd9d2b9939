package org.multiprocessing4j.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Files through which child processes tell a test what they saw. Paths travel as strings, since
 * {@link Path} is not serializable.
 */
public final class Scratch {
    private Scratch() {}

    public static void write(String path, String text) {
        try {
            Files.writeString(Path.of(path), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Appends one line; a short append is a single write, so lines from processes stay whole. */
    public static void appendLine(String path, String line) {
        try {
            Files.writeString(Path.of(path), line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String read(String path) {
        try {
            return Files.readString(Path.of(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<String> lines(String path) {
        try {
            return Files.readAllLines(Path.of(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
