package org.multiprocessing4j.internal.shm;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.multiprocessing4j.internal.Log;
import org.multiprocessing4j.internal.sys.JvmCommand;
import org.multiprocessing4j.internal.sys.RandomBytes;

/**
 * Deletes a process tree's shared segments once no process that used them is alive, even when
 * every one of them was killed: Python's resource tracker, as a small JVM of its own.
 *
 * <p>The first segment made in a tree starts one tracker for the tree; its pid and start time go
 * in the lock file {@code /dev/shm/mp4j-<tree>.tracker}, and a process that finds a live tracker
 * there starts none. A process that makes segments looks again at most every
 * {@link #RECHECK_AFTER}, and starts a new tracker if the last one died. Every {@link #POLL}, the
 * tracker deletes each {@code mp4j-<tree>-*} segment whose registered users are all dead, a
 * {@code .new} file left by a creator that died (one older than {@link #ABANDONED_AFTER}, or than
 * {@link #ORPHANED_AFTER} once the tree's root has ended), and the spill
 * files nobody can read any more ({@link SpillFiles}): of a ring that is gone, or of a writer that
 * has ended and that no committed frame names; then the names of {@code SharedMemory} blocks whose files are
 * gone ({@link SharedBlock#deleteDanglingNames}). It exits when the tree's root process has ended and nothing
 * of the tree is left; it runs with a small heap and a single compiler thread.
 *
 * <p>It survives what it finds: a file that is renamed or deleted between listing and reading, a
 * directory or a link with our prefix, a file of another user's are passed over, and a sweep that
 * fails is tried again a period later. Lock files count only when they are regular files owned by
 * this user: /dev/shm is writable by everyone, and another local user who pre-creates the lock
 * file, or a directory in its place, must not switch cleanup off. The tracker then takes a lock file
 * of its own under another name ({@code mp4j-<tree>.tracker.<random>}).
 */
public final class ResourceTracker {
    static final Duration POLL = Duration.ofMillis(250);
    /** How often a process that makes segments checks that its tree's tracker still runs. */
    static final Duration RECHECK_AFTER = Duration.ofSeconds(1);
    static final Duration ABANDONED_AFTER = Duration.ofMinutes(1);
    /**
     * A {@code .new} file of a tree whose root has ended is deleted once it is this old: every
     * descendant halts within a second of its parent's end ({@code ParentWatch}), so no creator is
     * left to rename it. Until then the tracker stays, so that a creator killed between making the
     * file and renaming it leaves nothing.
     */
    static final Duration ORPHANED_AFTER = Duration.ofSeconds(2);
    private static final String LOCK_SUFFIX = ".tracker";
    private static final List<String> SMALL_JVM = List.of("-Xmx16m", "-Xss256k", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-XX:-UsePerfData");

    private static final Path SETSID = Path.of("/usr/bin/setsid");

    /** When this process last saw its tree's tracker alive, or started one ({@code System.nanoTime}); long ago at first. */
    private static volatile long checkedAt = System.nanoTime() - RECHECK_AFTER.toNanos();

    private ResourceTracker() {}

    /**
     * Starts the tracker of {@code tree} unless one runs; looks at most every {@link #RECHECK_AFTER},
     * so it is one clock read on most calls.
     */
    static void ensureRunning(String tree) {
        if (!recheckDue()) {
            return;
        }
        synchronized (ResourceTracker.class) {
            if (!recheckDue()) {
                return;
            }
            checkedAt = System.nanoTime();
            if (trackerAlive(tree)) {
                return;
            }
            try {
                List<String> command = new java.util.ArrayList<>(detachedLauncher(Files.isExecutable(SETSID)));
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

    /**
     * What the tracker's command starts with, so that it runs detached from this JVM, whose
     * launcher returns at once. The JDK waits for every child it starts on a reaper thread that
     * sits in native code, and a JVM that ends while a thread is in native code waits for that
     * thread up to 300 ms (HotSpot's {@code VM_Exit::wait_for_threads_in_native_to_block}). The
     * tracker outlives its tree's root by design, so as a direct child it would add 300 ms to the
     * end of every program that used shared memory. {@code setsid --fork} also gives it a session
     * of its own, which a Ctrl-C or a group kill spares; without setsid, a shell starts it in the
     * background.
     */
    static List<String> detachedLauncher(boolean setsidAvailable) {
        return setsidAvailable ? List.of(SETSID.toString(), "--fork") : List.of("/bin/sh", "-c", "\"$@\" &", "sh");
    }

    private static boolean recheckDue() {
        return System.nanoTime() - checkedAt >= RECHECK_AFTER.toNanos();
    }

    public static void main(String[] args) throws Exception {
        JvmCommand.deleteArgumentFile();
        String tree = args[0];
        Path lock = takeLock(tree);
        if (lock == null) {
            return; // another tracker serves this tree
        }
        try {
            sweepAbandonedTrees();
            while (sweepOrRetry(tree) || rootAlive(tree)) {
                Thread.sleep(POLL);
            }
        } finally {
            Files.deleteIfExists(lock);
        }
    }

    /** One sweep; true if anything of the tree is left, or the sweep failed and must be tried again. */
    private static boolean sweepOrRetry(String tree) {
        try {
            return sweep(tree) > 0;
        } catch (IOException | RuntimeException e) {
            return true; // /dev/shm could not be listed: try again next period
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
            if (!rootAlive(other) && !trackerAlive(other) && !sweepOrRetry(other)) {
                for (Path otherLock : ourLockFiles(other)) {
                    Files.deleteIfExists(otherLock);
                }
            }
        }
    }

    private static boolean rootAlive(String tree) {
        return Liveness.isAlive(tree);
    }

    /**
     * Deletes what no live process uses; returns how many of the tree's segments remain. While the
     * tree's root runs, a segment that a frame not taken yet names stays for its taker
     * ({@link CountedSends}); once the root has ended, nobody of the tree is left to take it.
     */
    static int sweep(String tree) throws IOException {
        int remaining = 0;
        Instant abandoned = Instant.now().minus(ABANDONED_AFTER);
        boolean rootAlive = rootAlive(tree);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(SharedSegment.DIRECTORY,
                SharedSegment.PREFIX + tree + "-*")) {
            for (Path file : files) {
                try {
                    remaining += sweepOne(file, abandoned, rootAlive) ? 1 : 0;
                } catch (IOException | RuntimeException e) {
                    remaining++; // renamed or deleted meanwhile, or unreadable: looked at again next period
                }
            }
        }
        SharedBlock.deleteDanglingNames();
        return remaining;
    }

    /**
     * Deletes {@code file} if nothing uses it any more; true if it stays. While the tree's root
     * runs, a segment a frame not taken yet names stays too.
     */
    private static boolean sweepOne(Path file, Instant abandoned, boolean rootAlive) throws IOException {
        if (!isOurs(file)) {
            return false; // a directory, a link, another user's: not ours to delete, nor to wait for
        }
        String name = file.getFileName().toString();
        if (name.endsWith(SharedSegment.CREATING_SUFFIX)) {
            Instant modified = Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toInstant();
            if (modified.isBefore(rootAlive ? abandoned : Instant.now().minus(ORPHANED_AFTER))) {
                Files.deleteIfExists(file);
                return false;
            }
            return true; // its creator may still rename it
        }
        if (SpillFiles.isSpill(name)) {
            if (spillStillReadable(file, name)) {
                return true;
            }
            Files.deleteIfExists(file);
            return false;
        }
        if (inUse(file, rootAlive)) {
            return true;
        }
        Files.deleteIfExists(file);
        return false;
    }

    /**
     * True while some process may still read a spill file: its ring is there, and either its
     * writer runs (it may be about to commit the frame) or a committed frame names it.
     */
    private static boolean spillStillReadable(Path file, String name) throws IOException {
        Path ring = file.resolveSibling(SpillFiles.ringSegmentOf(name));
        if (!Files.exists(ring)) {
            return false;
        }
        if (SpillFiles.writerAlive(name)) {
            return true;
        }
        try (Arena arena = Arena.ofConfined();
                FileChannel channel = FileChannel.open(ring, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            java.util.Set<String> inFlight = MessageRing.spillNamesInFlight(
                    channel.map(FileChannel.MapMode.READ_WRITE, 0, channel.size(), arena));
            return inFlight == null || inFlight.contains(name);
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** A regular file, not a link, owned by this process's user. */
    static boolean isOurs(Path file) {
        return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && ownedByUs(file);
    }

    /** A file of any type, a link itself rather than what it names, owned by this process's user. */
    static boolean ownedByUs(Path file) {
        try {
            return Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS).equals(OwnUid.UID);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** This process's user id: the owner of {@code /proc/self}. */
    private static final class OwnUid {
        static final Object UID = read();

        private static Object read() {
            try {
                return Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot tell this process's user id", e);
            }
        }
    }

    private static boolean inUse(Path file, boolean keepInFlight) throws IOException {
        try (Arena arena = Arena.ofConfined();
                FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (channel.size() < SharedLayout.Header.SIZE) {
                return false;
            }
            MemorySegment header = channel.map(FileChannel.MapMode.READ_WRITE, 0, SharedLayout.Header.SIZE, arena);
            return SharedSegment.hasLiveUser(header) || (keepInFlight && SharedSegment.hasFramesInFlight(header));
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    private static Path lockFile(String tree) {
        return SharedSegment.DIRECTORY.resolve(SharedSegment.PREFIX + tree + LOCK_SUFFIX);
    }

    /** The tree's lock files that this user owns: the usual one, and any taken under another name. */
    private static List<Path> ourLockFiles(String tree) {
        List<Path> locks = new java.util.ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(SharedSegment.DIRECTORY,
                SharedSegment.PREFIX + tree + LOCK_SUFFIX + "*")) {
            for (Path file : files) {
                if (isOurs(file)) {
                    locks.add(file);
                }
            }
        } catch (IOException | RuntimeException e) {
            // none to be found
        }
        return locks;
    }

    /** True if a lock file of ours names a tracker of {@code tree} that runs. */
    static boolean trackerAlive(String tree) {
        for (Path lock : ourLockFiles(tree)) {
            if (holderAlive(lock)) {
                return true;
            }
        }
        return false;
    }

    private static boolean holderAlive(Path lock) {
        try {
            String[] owner = Files.readString(lock).trim().split(" ");
            return Liveness.isAlive(Long.parseLong(owner[0]), Long.parseLong(owner[1]));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Writes this tracker's identity in a lock file of the tree unless a live tracker holds one.
     *
     * @return the lock file taken, or null if another tracker runs
     */
    static Path takeLock(String tree) throws IOException {
        String me = Liveness.selfPid() + " " + Liveness.selfStartTime();
        Path lock = lockFile(tree);
        for (int attempt = 0; attempt < 2; attempt++) {
            if (trackerAlive(tree)) {
                return null;
            }
            try {
                Files.writeString(lock, me, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                return lock;
            } catch (FileAlreadyExistsException e) {
                if (!isOurs(lock)) {
                    // Someone else's file or directory sits at the usual name: take one of our own.
                    lock = lock.resolveSibling(lock.getFileName() + "." + RandomBytes.hex(8));
                } else {
                    Files.deleteIfExists(lock); // a dead tracker's
                }
            }
        }
        return null;
    }
}
