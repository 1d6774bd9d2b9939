package org.multiprocessing4j.internal.shm;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.multiprocessing4j.internal.Log;
import org.multiprocessing4j.internal.sys.JvmCommand;

/**
 * Deletes a process tree's shared segments once no process that used them is alive, even when
 * every one of them was killed: Python's resource tracker, as a small JVM of its own.
 *
 * <p>The first segment made in a tree starts one tracker for the tree; its pid and start time go
 * in the lock file {@code /dev/shm/mp4j-<tree>.tracker}, and a process that finds a live tracker
 * there starts none. Every {@link #POLL}, the tracker deletes each {@code mp4j-<tree>-*} segment
 * whose registered users are all dead, a {@code .new} file left by a creator that died within
 * {@link #ABANDONED_AFTER}, and the spill files of a ring whose segment is gone. It exits when the tree's root process has ended and nothing of the
 * tree is left; it runs with a small heap and a single compiler thread.
 */
public final class ResourceTracker {
    static final Duration POLL = Duration.ofMillis(250);
    static final Duration ABANDONED_AFTER = Duration.ofMinutes(1);
    private static final String LOCK_SUFFIX = ".tracker";
    private static final List<String> SMALL_JVM = List.of("-Xmx16m", "-Xss256k", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-XX:-UsePerfData");

    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private static volatile boolean ensured;

    private ResourceTracker() {}

    /** Starts the tracker of {@code tree} unless one is known to run. Cheap after the first call. */
    static void ensureRunning(String tree) {
        if (ensured) {
            return;
        }
        synchronized (ResourceTracker.class) {
            if (ensured) {
                return;
            }
            ensured = true;
            if (trackerAlive(lockFile(tree))) {
                return;
            }
            try {
                List<String> command = new java.util.ArrayList<>();
                if (Files.isExecutable(SETSID)) {
                    command.add(SETSID.toString()); // its own session: a Ctrl-C or a group kill spares it
                }
                command.addAll(JvmCommand.of(ResourceTracker.class, JvmCommand.libraryClassPath(), SMALL_JVM, List.of(tree)));
                new ProcessBuilder(command)
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
            } catch (IOException e) {
                Log.warning("could not start the resource tracker; shared memory of killed processes may "
                        + "stay in " + SharedSegment.DIRECTORY + ": " + e);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        JvmCommand.deleteArgumentFile();
        String tree = args[0];
        Path lock = lockFile(tree);
        if (!takeLock(lock)) {
            return; // another tracker serves this tree
        }
        try {
            sweepAbandonedTrees();
            while (sweep(tree) > 0 || rootAlive(tree)) {
                Thread.sleep(POLL);
            }
        } finally {
            Files.deleteIfExists(lock);
        }
    }

    /**
     * Cleans up after trees whose root and tracker are both gone (a tracker killed along with its
     * process group, say): what no live process uses is deleted, and then their lock files.
     */
    static void sweepAbandonedTrees() throws IOException {
        java.util.Set<String> trees = new java.util.HashSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(SharedSegment.DIRECTORY, SharedSegment.PREFIX + "*")) {
            for (Path file : files) {
                String[] parts = file.getFileName().toString().substring(SharedSegment.PREFIX.length()).split("[-.]");
                if (parts.length >= 2) {
                    trees.add(parts[0] + "-" + parts[1]);
                }
            }
        }
        for (String other : trees) {
            Path otherLock = lockFile(other);
            if (!rootAlive(other) && !trackerAlive(otherLock) && sweep(other) == 0) {
                Files.deleteIfExists(otherLock);
            }
        }
    }

    private static boolean rootAlive(String tree) {
        String[] root = tree.split("-");
        try {
            return Liveness.isAlive(Long.parseLong(root[0]), Long.parseLong(root[1]));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Deletes what no live process uses; returns how many of the tree's segments remain. */
    static int sweep(String tree) throws IOException {
        int remaining = 0;
        Instant abandoned = Instant.now().minus(ABANDONED_AFTER);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(SharedSegment.DIRECTORY,
                SharedSegment.PREFIX + tree + "-*")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(".new")) {
                    FileTime modified = Files.getLastModifiedTime(file);
                    if (modified.toInstant().isBefore(abandoned)) {
                        Files.deleteIfExists(file);
                    }
                    continue;
                }
                if (MessageRing.isSpillOf(name)) {
                    // A large message in flight belongs to its ring, not to whoever wrote it.
                    if (Files.exists(file.resolveSibling(MessageRing.spillOwner(name)))) {
                        remaining++;
                    } else {
                        Files.deleteIfExists(file);
                    }
                    continue;
                }
                if (inUse(file)) {
                    remaining++;
                } else {
                    Files.deleteIfExists(file);
                }
            }
        }
        return remaining;
    }

    private static boolean inUse(Path file) throws IOException {
        try (Arena arena = Arena.ofConfined();
                FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (channel.size() < SharedLayout.Header.SIZE) {
                return false;
            }
            MemorySegment header = channel.map(FileChannel.MapMode.READ_WRITE, 0, SharedLayout.Header.SIZE, arena);
            return SharedSegment.hasLiveUser(header);
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    private static Path lockFile(String tree) {
        return SharedSegment.DIRECTORY.resolve(SharedSegment.PREFIX + tree + LOCK_SUFFIX);
    }

    private static boolean trackerAlive(Path lock) {
        try {
            String[] owner = Files.readString(lock).trim().split(" ");
            return Liveness.isAlive(Long.parseLong(owner[0]), Long.parseLong(owner[1]));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Writes this tracker's identity in the lock file unless a live tracker holds it. */
    private static boolean takeLock(Path lock) throws IOException {
        String me = Liveness.selfPid() + " " + Liveness.selfStartTime();
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                Files.writeString(lock, me, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                return true;
            } catch (FileAlreadyExistsException e) {
                if (trackerAlive(lock)) {
                    return false;
                }
                Files.deleteIfExists(lock);
            }
        }
        return false;
    }
}
