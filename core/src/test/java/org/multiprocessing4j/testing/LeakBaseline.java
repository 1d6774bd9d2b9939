package org.multiprocessing4j.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import org.multiprocessing4j.internal.shm.SharedSegment;

/**
 * What of ours was on the machine before this test run started, so that the leak check looks only
 * at what the run itself made: another build, or a program of the user's, may have files and JVMs
 * of this library too. Taken when the JUnit launcher session opens, before any test runs.
 */
public final class LeakBaseline implements LauncherSessionListener {
    private static final String PREFIX = "mp4j-";
    private static final Path SHARED_MEMORY = Path.of("/dev/shm");
    private static volatile Set<String> files = Set.of();
    private static volatile Set<Long> childJvms = Set.of();

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        files = Set.copyOf(ourFiles());
        childJvms = Set.copyOf(childJvms());
    }

    /** Our files in the temporary directory and /dev/shm that were not there when the run started. */
    public static List<Path> newFiles() {
        return ourFilesAsPaths().filter(p -> !files.contains(p.toString())).toList();
    }

    /** Our files in the temporary directory and /dev/shm now, of every tree of processes. */
    public static List<Path> ourFilesNow() {
        return ourFilesAsPaths().toList();
    }

    /**
     * The segments of this JVM's tree of processes in /dev/shm now ({@code mp4j-<tree>-<random>}; not
     * its resource tracker's file, {@code mp4j-<tree>.tracker}, which lives as long as the tree): for a
     * test that compares what is there before and after. Other trees' segments are left out, since
     * another program (a second build, a bench) may make and delete its own meanwhile.
     */
    public static Set<Path> ourSharedMemoryNow() {
        String tree = PREFIX + SharedSegment.treeTag() + "-";
        return ourFilesAsPaths().filter(p -> p.startsWith(SHARED_MEMORY))
                .filter(p -> p.getFileName().toString().startsWith(tree))
                .collect(Collectors.toCollection(HashSet::new));
    }

    /** How many mappings this JVM has now: the lines of /proc/self/maps. */
    public static long mappingsNow() throws java.io.IOException {
        try (var lines = java.nio.file.Files.lines(Path.of("/proc/self/maps"))) {
            return lines.count();
        }
    }

    /** Pids of running child JVMs of this library that were not running when the run started. */
    public static List<Long> newChildJvms() {
        return childJvms().stream().filter(pid -> !childJvms.contains(pid)).toList();
    }

    private static List<String> ourFiles() {
        return ourFilesAsPaths().map(Path::toString).toList();
    }

    private static Stream<Path> ourFilesAsPaths() {
        return Stream.of(Path.of(System.getProperty("java.io.tmpdir")), SHARED_MEMORY).flatMap(dir -> {
            try (Stream<Path> entries = Files.list(dir)) {
                return entries.filter(p -> p.getFileName().toString().startsWith(PREFIX)).toList().stream();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static List<Long> childJvms() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains("org.multiprocessing4j.internal.launch.ChildMain"))
                .filter(p -> Pids.isRunning(p.pid()))
                .map(ProcessHandle::pid)
                .collect(Collectors.toList());
    }
}
