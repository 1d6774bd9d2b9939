package org.multiprocessing4j.internal.sys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a JVM that runs one of this library's classes: the current {@code java},
 * a class path (and this JVM's module path, when this library is a named module), native access
 * for the library, then the options, the main class and its arguments.
 *
 * <p>Linux passes no single argument longer than 128 KiB to a new program, and an application's
 * class path can be longer. A path that long goes into an argument file ({@code java @file}), made
 * private (0600) in the temporary directory and named to the new JVM in {@link #ARGUMENT_FILE_PROPERTY};
 * the JVM deletes it first thing ({@link #deleteArgumentFile}), once the launcher has read it.
 */
public final class JvmCommand {
    /** Names the argument file a JVM was started with, for it to delete. */
    public static final String ARGUMENT_FILE_PROPERTY = "multiprocessing4j.argumentFile";
    /** The kernel's limit on one argument (MAX_ARG_STRLEN), its terminating NUL included. */
    static final int MAX_ARGUMENT_BYTES = 128 * 1024;

    private JvmCommand() {}

    /**
     * @param classPath the class path, entries joined with the platform's separator
     * @throws UncheckedIOException if a path too long for the command line cannot be written to
     *     an argument file
     */
    public static List<String> of(Class<?> mainClass, String classPath, List<String> options, List<String> args) {
        Module module = mainClass.getModule();
        List<String> paths = new ArrayList<>();
        if (module.isNamed()) {
            paths.add("--module-path");
            paths.add(System.getProperty("jdk.module.path", ""));
            // Every module the parent could see, so that a task's classes resolve in the child.
            paths.add("--add-modules");
            paths.add("ALL-MODULE-PATH");
        }
        if (!classPath.isEmpty() || !module.isNamed()) {
            paths.add("-cp");
            paths.add(classPath);
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=" + (module.isNamed() ? module.getName() : "ALL-UNNAMED"));
        command.addAll(options);
        if (fitsOnACommandLine(paths)) {
            command.addAll(paths);
        } else {
            Path file = argumentFile(paths);
            command.add("-D" + ARGUMENT_FILE_PROPERTY + "=" + file);
            command.add("@" + file);
        }
        if (module.isNamed()) {
            command.add("-m");
            command.add(module.getName() + "/" + mainClass.getName());
        } else {
            command.add(mainClass.getName());
        }
        command.addAll(args);
        return command;
    }

    /**
     * The class path of a JVM that runs only this library's classes: where this library was loaded
     * from, a JAR or a directory, whatever class loader loaded it. The library has no dependencies.
     *
     * @throws IllegalStateException if the library was not loaded from a file
     */
    public static String libraryClassPath() {
        var code = JvmCommand.class.getProtectionDomain().getCodeSource();
        try {
            return Path.of(code.getLocation().toURI()).toString();
        } catch (NullPointerException | URISyntaxException | IllegalArgumentException e) {
            throw new IllegalStateException("this library was not loaded from a JAR or a directory ("
                    + (code == null ? "no code source" : code.getLocation()) + "), so no JVM of its own can be started", e);
        }
    }

    /**
     * Deletes the argument file named on {@code command}, if any: for a JVM that ended before its
     * {@code main} could.
     */
    public static void deleteArgumentFileOf(List<String> command) {
        String prefix = "-D" + ARGUMENT_FILE_PROPERTY + "=";
        for (String argument : command) {
            if (argument.startsWith(prefix)) {
                deleteQuietly(argument.substring(prefix.length()));
            }
        }
    }

    /** Deletes the argument file this JVM was started with, if any; call first thing in {@code main}. */
    public static void deleteArgumentFile() {
        String file = System.getProperty(ARGUMENT_FILE_PROPERTY);
        if (file != null) {
            deleteQuietly(file);
        }
    }

    private static void deleteQuietly(String file) {
        try {
            Files.deleteIfExists(Path.of(file));
        } catch (IOException e) {
            // left in the temporary directory, private to this user
        }
    }

    static boolean fitsOnACommandLine(List<String> arguments) {
        for (String argument : arguments) {
            if (argument.getBytes(StandardCharsets.UTF_8).length >= MAX_ARGUMENT_BYTES) {
                return false;
            }
        }
        return true;
    }

    /** An argument file holding {@code arguments}, each quoted as the launcher expects. */
    static Path argumentFile(List<String> arguments) {
        StringBuilder text = new StringBuilder();
        for (String argument : arguments) {
            text.append('"').append(argument.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"\n");
        }
        try {
            Path file = Files.createTempFile("mp4j-args-", ".txt"); // 0600 on POSIX
            Files.writeString(file, text);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the argument file for a class path of "
                    + text.length() + " characters", e);
        }
    }
}
