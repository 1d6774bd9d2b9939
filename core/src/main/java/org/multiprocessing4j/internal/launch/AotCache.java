package org.multiprocessing4j.internal.launch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.multiprocessing4j.internal.Log;
import org.multiprocessing4j.internal.sys.JvmCommand;

/**
 * An AOT cache (JDK 25, JEPs 483 and 514) for child JVMs: the classes a child's bootstrap loads,
 * already parsed and linked, with their lambda and method-handle call sites resolved. It cuts a
 * child's start by about a quarter.
 *
 * <p>The JDK makes a cache only for JAR files, and uses it for a class path that starts with the
 * JARs it was made for, whatever follows. So the cache covers the longest run of JARs at the start
 * of the child's class path (each with the JARs its {@code Class-Path} manifest attribute names),
 * and {@link #childClassPath} puts the library's own JAR first, which lets an application whose
 * classes are in build directories ({@code mvn exec:java}, an IDE, a single-file program) have the
 * JDK's and the library's classes cached all the same; its own classes load from its directories
 * as before. Every entry of a module path must be a JAR. The cache is keyed by the JDK, the
 * cached JARs and each one's size and modification time, and lives under
 * {@code ${XDG_CACHE_HOME:-~/.cache}/multiprocessing4j} (or {@value #DIRECTORY_PROPERTY}); set
 * {@value #ENABLED_PROPERTY}{@code =false} to do without.
 *
 * <p>Each class path has two caches, made as children first need them ({@link AotCoverage}): one
 * of the library's hot paths, for children given handles and PRESPAWN spares, and one of the
 * bootstrap alone ({@code child-<key>-bootstrap.aot}, about 12 MB against 19), for children whose
 * target captures only plain values. A JVM loads every class of its cache as it boots, so such a
 * child starts some 5 ms sooner on the smaller one.
 *
 * <p>A missing cache is made in the background by {@link AotTrainer}, a JVM of its own that the
 * first {@code start()} launches and does not wait for; children started meanwhile start without a
 * cache. The trainer outlives a parent that ends first (it runs none of the user's code and ends
 * within seconds), so that short programs get a cache too. A JVM that uses a cache marks it used
 * (its modification time) once. When a new cache is made, the caches not used for
 * {@link #UNUSED_LIMIT}, and all but the {@link #MAX_CACHES} used last, are deleted: every rebuilt
 * JAR keys a new cache of some 15 MB, and a developer's rebuilds must not fill the disk. So are the
 * training outputs and locks of trainers that died, of any cache, once older than
 * {@link AotTrainer#STALE_LOCK}: a trainer killed with its program's tree leaves a partial output
 * of that size, which only a new training of the same JARs would otherwise remove.
 */
final class AotCache {
    static final String ENABLED_PROPERTY = "multiprocessing4j.aotCache";
    static final String DIRECTORY_PROPERTY = "multiprocessing4j.aotCacheDir";
    /** A cache older than this is deleted when a new cache is made. */
    static final Duration UNUSED_LIMIT = Duration.ofDays(30);
    /** How many caches are kept, the ones used last. */
    static final int MAX_CACHES = 8;
    /** The JDK's messages about a missing or mismatched cache would land on the child's stdout. */
    private static final List<String> QUIET = List.of("-Xlog:aot=off", "-Xlog:cds=off");
    private static final int AOT_FEATURE_RELEASE = 25;
    private static final String PREFIX = "child-";
    private static final String SUFFIX = ".aot";
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    /** Per class path a child was given and coverage: its cache, or empty when none can be used. */
    private static final Map<Key, Optional<AotCache>> BY_CLASS_PATH = new ConcurrentHashMap<>();
    /**
     * Per class path a child was given: what its caches of either coverage are made for, or empty
     * when none can be used; looked for once, since it opens every JAR the path names.
     */
    private static final Map<String, Optional<Scan>> SCANS = new ConcurrentHashMap<>();

    private record Key(String classPath, AotCoverage coverage) {}

    /**
     * What a class path's caches are made for: the cached JARs, the class path they make, and the
     * file name that the JDK, the JARs' sizes and times key, to which the coverage adds its tag.
     */
    private record Scan(String stem, String cachedPath, List<Path> jars) {
        AotCache cache(Path directory, AotCoverage coverage) {
            return new AotCache(directory.resolve(stem + coverage.fileTag() + SUFFIX), cachedPath, jars);
        }
    }

    private final Path file;
    private final String classPath;
    private final List<Path> jars;
    private volatile boolean trainingStarted;
    private volatile boolean markedUsed;

    private AotCache(Path file, String classPath, List<Path> jars) {
        this.file = file;
        this.classPath = classPath;
        this.jars = jars;
    }

    /**
     * The cache of {@code coverage} for children with {@code classPath} (and this JVM's module
     * path), or null when none can be used.
     */
    static AotCache forClassPath(String classPath, AotCoverage coverage) {
        return BY_CLASS_PATH.computeIfAbsent(new Key(classPath, coverage), key -> Optional.ofNullable(create(key)))
                .orElse(null);
    }

    /** Options that make a child use the cache, if it exists and the user's options allow it. */
    List<String> useOptions(List<String> userOptions) {
        if (conflicts(userOptions) || !Files.isRegularFile(file)) {
            return List.of();
        }
        markUsed();
        List<String> options = new ArrayList<>(QUIET);
        options.add("-XX:AOTCache=" + file);
        return options;
    }

    /** Sets the cache's modification time to now, once per JVM, so that pruning keeps it. */
    private void markUsed() {
        if (!markedUsed) {
            markedUsed = true;
            try {
                Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
            } catch (IOException e) {
                Log.debug("could not mark the AOT cache " + file + " used: " + e);
            }
        }
    }

    /** True once this JVM has launched, or decided against, a trainer for this cache. */
    boolean trainingStarted() {
        return trainingStarted;
    }

    /**
     * Launches an {@link AotTrainer} for this cache, the first time it is called in this JVM, if
     * the cache is missing and no trainer holds its lock; later calls do nothing. Does not wait.
     *
     * @param trainingPayload the training task, serialized, for the training child to run
     */
    void trainInBackground(byte[] trainingPayload) {
        synchronized (this) {
            if (trainingStarted) {
                return;
            }
            trainingStarted = true; // decided once per JVM, whatever the decision
        }
        if (Files.exists(file) || Files.exists(lockFile())) {
            return;
        }
        // The trainer finds the same cache only if it looks in the same directory.
        List<String> options = new ArrayList<>(JavaCommand.DEFAULT_OPTIONS);
        options.add("-D" + DIRECTORY_PROPERTY + "=" + file.getParent());
        List<String> command = JvmCommand.of(AotTrainer.class, classPath, options, List.of(file.toString()));
        try {
            java.lang.Process trainer = new ProcessBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            try (var stdin = trainer.getOutputStream()) {
                stdin.write(trainingPayload);
            }
        } catch (IOException e) {
            Log.debug("could not start the AOT cache trainer: " + e);
        }
    }

    Path file() {
        return file;
    }

    /** Held by the trainer at work on this cache. */
    Path lockFile() {
        return file.resolveSibling(file.getFileName() + ".lock");
    }

    /** Where a trainer with process id {@code pid} has the training child write. */
    Path trainingFile(long pid) {
        return file.resolveSibling(file.getFileName() + "." + pid + ".tmp");
    }

    /** Options for the training child that writes {@code output}. */
    static List<String> trainingOptions(Path output) {
        List<String> options = new ArrayList<>(QUIET);
        options.add("-XX:AOTCacheOutput=" + output);
        return options;
    }

    /** Moves a finished training output into place, and prunes old caches. */
    void install(Path output) {
        try {
            if (Files.size(output) > 0) {
                Files.move(output, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            Log.debug("could not install the AOT cache " + file + ": " + e);
        } finally {
            deleteQuietly(output);
        }
        prune();
    }

    private static AotCache create(Key key) {
        if (!enabled()) {
            return null;
        }
        return SCANS.computeIfAbsent(key.classPath(),
                        path -> Optional.ofNullable(scan(path, System.getProperty("jdk.module.path", ""))))
                .map(scan -> scan.cache(directory(), key.coverage()))
                .orElse(null);
    }

    private static boolean enabled() {
        return !"false".equalsIgnoreCase(System.getProperty(ENABLED_PROPERTY))
                && Runtime.version().feature() >= AOT_FEATURE_RELEASE;
    }

    /**
     * The class path a child gets: {@code classPath} with the library's JAR moved to the front, so
     * that a cache of it applies whatever else the path holds; as it is when caches are off, or the
     * library is a directory.
     */
    static String childClassPath(String classPath) {
        if (!enabled()) {
            return classPath;
        }
        return libraryFirst(classPath, JvmCommand.libraryClassPath());
    }

    /** {@code classPath} with {@code library} first if it is a JAR among its entries, however they spell it. */
    static String libraryFirst(String classPath, String library) {
        if (!library.endsWith(".jar")) {
            return classPath;
        }
        Path libraryPath = Path.of(library).toAbsolutePath().normalize();
        List<String> entries = new ArrayList<>(List.of(classPath.split(java.io.File.pathSeparator)));
        for (int i = 0; i < entries.size(); i++) {
            if (!entries.get(i).isEmpty() && Path.of(entries.get(i)).toAbsolutePath().normalize().equals(libraryPath)) {
                entries.addFirst(entries.remove(i));
                return String.join(java.io.File.pathSeparator, entries);
            }
        }
        return classPath;
    }

    /**
     * The cache of {@code coverage} for a child with this class path and module path, which covers
     * the JARs at the start of the class path; null if it starts with something else, or the module
     * path holds a non-JAR.
     */
    static AotCache forPaths(String classPath, String modulePath, Path directory, AotCoverage coverage) {
        Scan scan = scan(classPath, modulePath);
        return scan == null ? null : scan.cache(directory, coverage);
    }

    /** What the caches for this class path and module path are made for; null where {@link #forPaths} is. */
    private static Scan scan(String classPath, String modulePath) {
        List<Path> jars = new ArrayList<>();
        String cachedPath = leadingJars(classPath, jars);
        if (!addJars(modulePath, jars) || jars.isEmpty()) {
            return null;
        }
        StringBuilder key = new StringBuilder()
                .append(System.getProperty("java.home")).append('\n')
                .append(System.getProperty("java.vm.version")).append('\n')
                .append(cachedPath).append('\n')
                .append(modulePath).append('\n');
        try {
            for (Path jar : jars) {
                key.append(Files.size(jar)).append(' ').append(Files.getLastModifiedTime(jar).toMillis()).append('\n');
            }
        } catch (IOException e) {
            return null;
        }
        return new Scan(PREFIX + Long.toHexString(fnv1a(key)), cachedPath, List.copyOf(jars));
    }

    /**
     * The entries at the start of {@code classPath} that are JARs, with the JARs their manifests
     * name, which go into {@code jars}; joined as a class path, the one the cache is trained on.
     */
    private static String leadingJars(String classPath, List<Path> jars) {
        List<String> leading = new ArrayList<>();
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            List<Path> more = new ArrayList<>(jars);
            if (entry.isEmpty() || !addJar(Path.of(entry), more)) {
                break;
            }
            jars.clear();
            jars.addAll(more);
            leading.add(entry);
        }
        return String.join(java.io.File.pathSeparator, leading);
    }

    /**
     * Adds the entries of a path list, and the JARs their manifests' {@code Class-Path} names, which
     * the JVM loads from too; false if one of them is not a JAR file (the JDK caches only JARs).
     */
    private static boolean addJars(String pathList, List<Path> jars) {
        if (pathList.isEmpty()) {
            return true;
        }
        for (String entry : pathList.split(java.io.File.pathSeparator)) {
            if (entry.isEmpty() || !addJar(Path.of(entry), jars)) {
                return false;
            }
        }
        return true;
    }

    private static boolean addJar(Path jar, List<Path> jars) {
        if (!jar.toString().endsWith(".jar") || !Files.isRegularFile(jar)) {
            return false;
        }
        if (jars.contains(jar)) {
            return true; // named twice, or manifests naming each other
        }
        jars.add(jar);
        String classPath;
        try (JarFile jarFile = new JarFile(jar.toFile())) {
            Manifest manifest = jarFile.getManifest();
            classPath = manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
        } catch (IOException e) {
            return false;
        }
        if (classPath != null) {
            for (String relative : classPath.trim().split("\\s+")) {
                if (!relative.isEmpty() && !addJar(jar.toAbsolutePath().getParent().resolve(relative).normalize(), jars)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean conflicts(List<String> userOptions) {
        for (String option : userOptions) {
            if (option.startsWith("-XX:AOT") || option.startsWith("-XX:SharedArchiveFile")
                    || option.startsWith("-Xshare") || option.startsWith("-XX:+AutoCreateSharedArchive")) {
                return true;
            }
        }
        return false;
    }

    private static Path directory() {
        String configured = System.getProperty(DIRECTORY_PROPERTY);
        if (configured != null) {
            return Path.of(configured);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("multiprocessing4j");
    }

    private void prune() {
        Instant now = Instant.now();
        Instant oldest = now.minus(UNUSED_LIMIT);
        Instant abandoned = now.minus(AotTrainer.STALE_LOCK);
        List<Path> caches = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(file.getParent(), PREFIX + "*")) {
            for (Path entry : entries) {
                if (entry.equals(file)) {
                    continue;
                }
                boolean isCache = entry.getFileName().toString().endsWith(SUFFIX);
                Instant modified = Files.getLastModifiedTime(entry).toInstant();
                if (modified.isBefore(isCache ? oldest : abandoned)) {
                    deleteQuietly(entry);
                } else if (isCache) {
                    caches.add(entry);
                }
            }
            caches.sort(Comparator.comparing(AotCache::lastModified).reversed());
            for (Path surplus : caches.subList(Math.min(caches.size(), MAX_CACHES - 1), caches.size())) {
                deleteQuietly(surplus);
            }
        } catch (IOException | UncheckedIOException e) {
            Log.debug("could not prune " + file.getParent() + ": " + e);
        }
    }

    private static FileTime lastModified(Path path) {
        try {
            return Files.getLastModifiedTime(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long fnv1a(CharSequence text) {
        long hash = FNV_OFFSET;
        for (int i = 0; i < text.length(); i++) {
            hash = (hash ^ text.charAt(i)) * FNV_PRIME;
        }
        return hash;
    }

    static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            Log.debug("could not delete " + path + ": " + e);
        }
    }
}
