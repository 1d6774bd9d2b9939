package org.multiprocessing4j.internal.launch;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.multiprocessing4j.internal.sys.JvmCommand;

/**
 * Makes an {@link AotCache}: a JVM of its own, launched in the background by the first
 * {@code start()} that finds the cache missing, with the training task serialized on its standard input.
 *
 * <p>It takes the cache's lock file (one trainer per cache; a lock older than {@link #STALE_LOCK}
 * is taken over), runs a training child through the real bootstrap with
 * {@code -XX:AOTCacheOutput}, and moves the finished cache into place atomically, so no child ever
 * maps a partial file. It is the training child's parent, so the child never outlives it; it
 * outlives the program that launched it by the few seconds the training takes.
 */
public final class AotTrainer {
    /** A lock older than this belongs to a trainer that died; it is taken over. */
    static final Duration STALE_LOCK = Duration.ofMinutes(2);

    private AotTrainer() {}

    public static void main(String[] args) throws Exception {
        JvmCommand.deleteArgumentFile();
        AotCache cache = args.length == 1 ? meant(Path.of(args[0])) : null;
        if (cache == null) {
            return; // not a class path the JDK can cache, or not the cache the parent meant
        }
        byte[] trainingPayload = System.in.readAllBytes();
        if (!lock(cache.lockFile())) {
            return;
        }
        try {
            removeLeftovers(cache);
            Path output = cache.trainingFile(ProcessHandle.current().pid());
            SpawnPopen trainee = SpawnPopen.startTraining(trainingPayload, output);
            trainee.join();
            if (trainee.exitCode().orElse(-1) == 0 && Files.exists(output)) {
                cache.install(output);
            } else {
                AotCache.deleteQuietly(output);
            }
        } finally {
            AotCache.deleteQuietly(cache.lockFile());
        }
    }

    /** The cache of this JVM's class path that is {@code file}, of either coverage; null if none is. */
    private static AotCache meant(Path file) {
        for (AotCoverage coverage : AotCoverage.values()) {
            AotCache cache = AotCache.forClassPath(System.getProperty("java.class.path", ""), coverage);
            if (cache != null && cache.file().equals(file)) {
                return cache;
            }
        }
        return null;
    }

    private static boolean lock(Path lock) throws IOException {
        Files.createDirectories(lock.getParent());
        try {
            Files.createFile(lock);
            return true;
        } catch (FileAlreadyExistsException e) {
            if (Files.getLastModifiedTime(lock).toInstant().isAfter(Instant.now().minus(STALE_LOCK))) {
                return false;
            }
            Files.deleteIfExists(lock);
            try {
                Files.createFile(lock);
                return true;
            } catch (FileAlreadyExistsException lost) {
                return false;
            }
        }
    }

    /** Outputs of trainers that died before installing them. */
    private static void removeLeftovers(AotCache cache) throws IOException {
        Path file = cache.file();
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(file.getParent(), file.getFileName() + ".*.tmp")) {
            for (Path leftover : leftovers) {
                AotCache.deleteQuietly(leftover);
            }
        }
    }
}
