package org.multiprocessing4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multiprocessing4j.Manager;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.Queue;
import org.multiprocessing4j.SharedLong;
import org.multiprocessing4j.Value;
import org.multiprocessing4j.testing.JavaProgram;

/**
 * An application gets an AOT cache for its children, of all its JARs when it runs from JARs and of
 * the library's when its own classes are in a directory: the first start trains one in the
 * background, and children started after it is made use it and run as before.
 */
@Timeout(180)
class AotCacheTest {
    private static final Duration TRAINING_LIMIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    @Test
    void theFirstStartTrainsACacheThatLaterChildrenUse() throws Exception {
        firstRunTrainsACacheThatTheSecondUses(dir.resolve("cache"), libraryJar() + File.pathSeparator + programJar());
    }

    /** As under an IDE or {@code mvn exec:java}: the application's classes in a directory, the library a JAR after them. */
    @Test
    void anApplicationInAClassDirectoryGetsACacheOfTheJdksAndTheLibrarysClasses() throws Exception {
        Path classes = Path.of(StartsAChild.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        firstRunTrainsACacheThatTheSecondUses(dir.resolve("cache"), classes + File.pathSeparator + libraryJar());
    }

    /** Runs {@link StartsAChild} on {@code classPath} twice, waiting between for the cache its first run trains. */
    private static void firstRunTrainsACacheThatTheSecondUses(Path cacheDir, String classPath) throws Exception {
        List<String> options = List.of("-Dmultiprocessing4j.aotCacheDir=" + cacheDir, "-cp", classPath);
        try (JavaProgram first = JavaProgram.startWithClassPathOption(options, StartsAChild.class)) {
            assertThat(first.waitFor(Duration.ofSeconds(60))).as(first.stderr()).isZero();
            assertThat(first.output()).containsExactly("child ran without a cache", "exit code 0");
        }
        Path cache = awaitCache(cacheDir);

        try (JavaProgram second = JavaProgram.startWithClassPathOption(options, StartsAChild.class)) {
            assertThat(second.waitFor(Duration.ofSeconds(60))).as(second.stderr()).isZero();
            assertThat(second.output()).containsExactly("child ran with " + cache, "exit code 0");
        }
    }

    /**
     * The cache holds what a child given handles loads of the library: attaching their segments,
     * a large item's spill file, a wake made before its futex call is linked. A class the cache
     * lacks is read from the library's JAR, which a child otherwise never opens.
     */
    @Test
    void aChildGivenHandlesFindsEveryClassOfTheLibraryInTheCache() throws Exception {
        Path classes = Path.of(StartsAChild.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path cacheDir = dir.resolve("cache");
        Path classLog = dir.resolve("child-classes.log");
        List<String> options = List.of("-Dmultiprocessing4j.aotCacheDir=" + cacheDir, "-cp",
                classes + File.pathSeparator + libraryJar());
        try (JavaProgram first = JavaProgram.startWithClassPathOption(options, StartsAChildWithHandles.class)) {
            assertThat(first.waitFor(Duration.ofSeconds(60))).as(first.stderr()).isZero();
        }
        awaitCache(cacheDir);

        try (JavaProgram second = JavaProgram.startWithClassPathOption(options, StartsAChildWithHandles.class,
                classLog.toString())) {
            assertThat(second.waitFor(Duration.ofSeconds(60))).as(second.stderr()).isZero();
            assertThat(second.output()).containsExactly("took 1, and " + StartsAChildWithHandles.LARGE + " bytes",
                    "exit code 0", "the manager's dict holds 1");
        }
        String library = Path.of(libraryJar()).getFileName().toString();
        assertThat(Files.readAllLines(classLog))
                .as("classes the child loaded from the library's JAR")
                .filteredOn(line -> line.contains(library))
                .isEmpty();
        assertThat(Files.readAllLines(Path.of(classLog + StartsAChildWithHandles.SERVER_LOG)))
                .as("classes the manager's server loaded from the library's JAR")
                .filteredOn(line -> line.contains(library))
                .isEmpty();
    }

    @Test
    void anExecutableJarWhoseManifestNamesTheLibraryStartsChildrenThatGetACache() throws Exception {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        Files.copy(Path.of(libraryJar()), lib.resolve("multiprocessing4j-core.jar"));
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.put(Attributes.Name.MAIN_CLASS, StartsAChild.class.getName());
        main.put(Attributes.Name.CLASS_PATH, "lib/multiprocessing4j-core.jar");
        main.put(new Attributes.Name("Enable-Native-Access"), "ALL-UNNAMED");
        Path program = programJar(manifest);
        Path cacheDir = dir.resolve("cache");
        List<String> command = List.of(JavaProgram.jdkTool("java"), "-Dmultiprocessing4j.aotCacheDir=" + cacheDir,
                "-jar", program.toString());

        try (JavaProgram first = JavaProgram.run(command)) {
            assertThat(first.waitFor(Duration.ofSeconds(60))).as(first.stderr()).isZero();
            assertThat(first.output()).containsExactly("child ran without a cache", "exit code 0");
            assertThat(first.stderr()).as("native access comes from the manifest").doesNotContain("WARNING");
        }
        Path cache = awaitCache(cacheDir);
        try (JavaProgram second = JavaProgram.run(command)) {
            assertThat(second.waitFor(Duration.ofSeconds(60))).as(second.stderr()).isZero();
            assertThat(second.output()).containsExactly("child ran with " + cache, "exit code 0");
        }
    }

    /** Waits for the trainer, which outlives the program, to install the cache and let go of its lock. */
    private static Path awaitCache(Path cacheDir) throws Exception {
        Instant deadline = Instant.now().plus(TRAINING_LIMIT);
        while (Instant.now().isBefore(deadline)) {
            if (Files.isDirectory(cacheDir)) {
                try (var entries = Files.list(cacheDir)) {
                    List<Path> files = entries.toList();
                    if (files.size() == 1 && files.get(0).toString().endsWith(".aot")) {
                        return files.get(0);
                    }
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no AOT cache in " + cacheDir + " after " + TRAINING_LIMIT);
    }

    /** The library's JAR on this test's class path; the reactor puts the packaged core there. */
    private static String libraryJar() {
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.contains("multiprocessing4j-core") && entry.endsWith(".jar") && !entry.contains("tests")) {
                return entry;
            }
        }
        throw new AssertionError("the library's JAR is not on the class path: " + System.getProperty("java.class.path"));
    }

    /** A JAR of {@link StartsAChild}, the application: a cache is made only for class paths of JARs. */
    private Path programJar() throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        return programJar(manifest);
    }

    private Path programJar(Manifest manifest) throws IOException {
        Path jar = dir.resolve("program.jar");
        String prefix = StartsAChild.class.getName().replace('.', '/');
        Path classes = Path.of(StartsAChild.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
                var files = Files.walk(classes)) {
            for (Path file : files.filter(f -> classes.relativize(f).toString().startsWith(prefix)).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString()));
                try (InputStream in = Files.newInputStream(file)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
        return jar;
    }

    /**
     * Starts a child that sets a value and puts a small item and a large one to a queue, which it
     * takes, then a manager; with an argument, the child logs the classes it loads into that file,
     * and the manager's server into that file's name with {@link #SERVER_LOG} added.
     */
    public static final class StartsAChildWithHandles {
        static final int LARGE = 1 << 20;
        static final String SERVER_LOG = ".server";

        public static void main(String[] args) throws Exception {
            SharedLong value = Value.ofLong(0);
            Queue<Object> queue = new Queue<>();
            Process child = new Process(() -> {
                value.set(1);
                queue.put(1);
                queue.put(new byte[LARGE]);
            });
            if (args.length > 0) {
                child.setJvmOptions(List.of("-Xlog:class+load:file=" + args[0]));
            }
            child.start();
            Object small = queue.take(); // asleep before the child's first put, which wakes it
            byte[] large = (byte[]) queue.take();
            child.join();
            System.out.println("took " + small + ", and " + large.length + " bytes");
            System.out.println("exit code " + child.exitCode().orElseThrow());
            List<String> serverOptions = args.length > 0 ? List.of("-Xlog:class+load:file=" + args[0] + SERVER_LOG) : List.of();
            try (Manager manager = Manager.builder().jvmOptions(serverOptions).start()) {
                Map<String, Integer> dict = manager.dict();
                dict.put("answer", 1);
                System.out.println("the manager's dict holds " + dict.get("answer"));
            }
        }
    }

    /** Starts a child that says whether it runs on an AOT cache. */
    public static final class StartsAChild {
        public static void main(String[] args) throws Exception {
            Process child = new Process(() -> {
                String cache = ProcessHandle.current().info().arguments().stream()
                        .flatMap(Arrays::stream)
                        .filter(argument -> argument.startsWith("-XX:AOTCache="))
                        .map(argument -> argument.substring("-XX:AOTCache=".length()))
                        .findFirst().orElse(null);
                System.out.println(cache == null ? "child ran without a cache" : "child ran with " + cache);
            });
            child.start();
            child.join();
            System.out.println("exit code " + child.exitCode().orElseThrow());
        }
    }
}
