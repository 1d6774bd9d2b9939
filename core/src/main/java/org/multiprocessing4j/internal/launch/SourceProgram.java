package org.multiprocessing4j.internal.launch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.multiprocessing4j.internal.shm.Liveness;

/**
 * A single-file program ({@code java -cp <library> Hello.java}, Java's {@code python script.py}),
 * compiled for its children. The source launcher compiles the program in memory, where no child
 * can load it from; so the first child's start compiles the same file, with the same compiler and
 * release, to a private directory that goes on the children's class path. Classes compiled from
 * the same source by the same compiler are the same classes, their lambdas' names included, so a
 * child deserializes the parent's tasks as they are. Other files of a multi-file program are
 * compiled as javac finds them, from the source root the launcher uses.
 *
 * <p>The directory is {@code mp4j-src-<pid>-<start time>} in the temporary directory, 0700,
 * deleted when this JVM exits, after its children ({@link #deleteCompiled}); one left by a JVM that
 * was killed is deleted by the next program that compiles. A program run with {@code --enable-preview} gives it to its children.
 */
public final class SourceProgram {
    /** Where the source launcher names the file it runs. */
    static final String SOURCE_FILE_PROPERTY = "jdk.launcher.sourcefile";
    private static final String DIRECTORY_PREFIX = "mp4j-src-";
    private static final String ENABLE_PREVIEW = "--enable-preview";

    private static Path compiled;

    private SourceProgram() {}

    /**
     * The directory holding the program that {@code loaded} belongs to, compiled; compiles it on the
     * first call.
     *
     * @throws IllegalStateException naming the compiler's errors if it cannot be compiled
     */
    static synchronized Path compiled(Class<?> loaded) {
        if (compiled == null) {
            compiled = compile(loaded);
        }
        return compiled;
    }

    /** Deletes the compiled program, if any; called when the program ends, once its children have. */
    public static synchronized void deleteCompiled() {
        if (compiled != null) {
            deleteTree(compiled);
            compiled = null;
        }
    }

    /** Options the children of this program need: {@code --enable-preview} if it runs with it. */
    static List<String> childOptions() {
        return System.getProperty(SOURCE_FILE_PROPERTY) != null && previewEnabled()
                ? List.of(ENABLE_PREVIEW) : List.of();
    }

    private static Path compile(Class<?> loaded) {
        String file = System.getProperty(SOURCE_FILE_PROPERTY);
        ToolProvider javac = ToolProvider.findFirst("javac").orElse(null);
        if (file == null || javac == null) {
            throw new IllegalStateException("cannot start a child process for " + loaded.getName()
                    + ": it was compiled in memory by the source launcher, and this JVM has no javac to compile it for its children");
        }
        Path source = Path.of(file);
        Path directory = createDirectory();
        List<String> args = new ArrayList<>(List.of("-d", directory.toString(),
                "-sourcepath", sourceRoot(loaded, source).toString(), "-implicit:class", "-proc:none", "-nowarn",
                "-XDsuppressNotes", "--release", Integer.toString(Runtime.version().feature()),
                "-cp", System.getProperty("java.class.path", "")));
        if (previewEnabled()) {
            args.add(ENABLE_PREVIEW);
        }
        args.add(source.toString());
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(errors, true, StandardCharsets.UTF_8);
        if (javac.run(err, err, args.toArray(String[]::new)) != 0) {
            deleteTree(directory);
            throw new IllegalStateException("cannot compile " + source + " for the children of this program: "
                    + errors.toString(StandardCharsets.UTF_8));
        }
        return directory;
    }

    /** The launcher's source root: the directory of {@code loaded}'s file, less its package's folders. */
    static Path sourceRoot(Class<?> loaded, Path mainFile) {
        Path file = mainFile;
        CodeSource code = loaded.getProtectionDomain().getCodeSource();
        if (code != null && code.getLocation() != null) {
            try {
                file = Path.of(code.getLocation().toURI());
            } catch (URISyntaxException | IllegalArgumentException e) {
                // not a file URL: fall back to the main file
            }
        }
        Path root = file.toAbsolutePath().getParent();
        String packageName = loaded.getPackageName();
        if (!packageName.isEmpty()) {
            for (int segments = packageName.split("\\.").length; segments > 0 && root.getParent() != null; segments--) {
                root = root.getParent();
            }
        }
        return root;
    }

    private static Path createDirectory() {
        Path temp = Path.of(System.getProperty("java.io.tmpdir"));
        removeAbandoned(temp);
        try {
            Path directory = Files.createDirectory(temp.resolve(DIRECTORY_PREFIX + Liveness.selfTag()),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a directory for the compiled program: " + e.getMessage(), e);
        }
    }

    /** Directories of programs that were killed before they could delete theirs. */
    private static void removeAbandoned(Path temp) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(temp, DIRECTORY_PREFIX + "*")) {
            for (Path dir : dirs) {
                if (!Liveness.isAlive(dir.getFileName().toString().substring(DIRECTORY_PREFIX.length()))) {
                    deleteTree(dir);
                }
            }
        } catch (IOException e) {
            // another program's business; ours is made regardless
        }
    }

    private static void deleteTree(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // left for removeAbandoned
        }
    }

    /** True if this JVM was started with {@code --enable-preview}, which its command line shows. */
    private static boolean previewEnabled() {
        try {
            for (String arg : new String(Files.readAllBytes(Path.of("/proc/self/cmdline")), StandardCharsets.UTF_8).split("\0")) {
                if (arg.equals(ENABLE_PREVIEW)) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }
}
