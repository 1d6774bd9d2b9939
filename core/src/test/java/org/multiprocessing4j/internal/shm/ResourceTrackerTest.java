package org.multiprocessing4j.internal.shm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The resource tracker survives what it finds in /dev/shm, which every local user can write to, and
 * a tracker that dies is replaced.
 */
@Timeout(60)
class ResourceTrackerTest {
    /** A tree that no process runs: pid 1's start time plus one is nobody's. */
    private static final String TREE = "1-" + (Liveness.startTime(1) + 1);
    private final List<Path> made = new ArrayList<>();

    private Path make(Path path) {
        made.add(path);
        return path;
    }

    @AfterEach
    void removeWhatTheTestMade() throws Exception {
        for (Path path : made.reversed()) {
            Files.deleteIfExists(path);
        }
    }

    private static UserPrincipal nobody() throws Exception {
        return SharedSegment.DIRECTORY.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    }

    @Test
    void aSweepPassesOverDirectoriesLinksAndOtherUsersFilesWithOurPrefix() throws Exception {
        Path directory = Files.createDirectory(make(SharedSegment.DIRECTORY.resolve("mp4j-" + TREE + "-a-directory")));
        Path link = Files.createSymbolicLink(make(SharedSegment.DIRECTORY.resolve("mp4j-" + TREE + "-a-link")), Path.of("/etc/hostname"));
        Path stranger = Files.writeString(make(SharedSegment.DIRECTORY.resolve("mp4j-" + TREE + "-a-strangers")), "x");
        Files.setOwner(stranger, nobody());
        assertThat(ResourceTracker.sweep(TREE)).as("nothing there is ours to wait for").isZero();
        assertThat(directory).isDirectory();
        assertThat(link).isSymbolicLink();
        assertThat(stranger).exists();
    }

    @Test
    void aFileBeingMadeInATreeWhoseRootHasEndedGoesOnceNoDescendantCanBeLeftToRenameIt() throws Exception {
        Path fresh = Files.writeString(make(SharedSegment.DIRECTORY.resolve("mp4j-" + TREE + "-fresh.new")), "");
        Path orphaned = Files.writeString(make(SharedSegment.DIRECTORY.resolve("mp4j-" + TREE + "-orphaned.new")), "");
        Files.setLastModifiedTime(orphaned, ago(ResourceTracker.ORPHANED_AFTER.plusSeconds(1)));
        assertThat(ResourceTracker.sweep(TREE)).as("the fresh one may yet be renamed: the tracker stays for it").isOne();
        assertThat(orphaned).doesNotExist();
        assertThat(fresh).exists();
    }

    @Test
    void aFileBeingMadeInATreeWhoseRootRunsStaysUntilItIsAbandoned() throws Exception {
        String tree = SharedSegment.treeTag(); // this JVM's: its root runs
        Path slow = Files.writeString(make(SharedSegment.DIRECTORY.resolve("mp4j-" + tree + "-slow.new")), "");
        Files.setLastModifiedTime(slow, ago(ResourceTracker.ORPHANED_AFTER.plusSeconds(1)));
        Path abandoned = Files.writeString(make(SharedSegment.DIRECTORY.resolve("mp4j-" + tree + "-abandoned.new")), "");
        Files.setLastModifiedTime(abandoned, ago(ResourceTracker.ABANDONED_AFTER.plusSeconds(1)));
        ResourceTracker.sweep(tree);
        assertThat(slow).as("its creator may be alive, and slow").exists();
        assertThat(abandoned).doesNotExist();
    }

    private static FileTime ago(Duration age) {
        return FileTime.from(Instant.now().minus(age));
    }

    @Test
    void anotherUsersLockFileOrDirectoryDoesNotSwitchTheTrackerOff() throws Exception {
        Path lock = make(SharedSegment.DIRECTORY.resolve("mp4j-" + TREE + ".tracker"));
        Files.writeString(lock, "1 " + Liveness.startTime(1)); // names a live process: init
        Files.setOwner(lock, nobody());
        assertThat(ResourceTracker.trackerAlive(TREE)).as("a lock file that is not ours counts for nothing").isFalse();
        Path taken = make(ResourceTracker.takeLock(TREE));
        assertThat(taken).isNotEqualTo(lock).exists();
        assertThat(ResourceTracker.trackerAlive(TREE)).as("this JVM holds a lock of its own now").isTrue();
        Files.delete(taken);

        Files.delete(lock);
        Files.createDirectory(lock);
        assertThat(ResourceTracker.trackerAlive(TREE)).isFalse();
        Path again = make(ResourceTracker.takeLock(TREE));
        assertThat(again).isNotEqualTo(lock).isRegularFile();
    }

    @Test
    void aTrackerThatDiesIsReplacedByTheNextSegmentMade() throws Exception {
        String tree = SharedSegment.treeTag();
        SharedSegment.create(SharedLayout.Header.KIND_EVENT, SharedLayout.Event.SIZE);
        long tracker = awaitTracker(tree);
        ProcessHandle.of(tracker).orElseThrow().destroyForcibly();
        ProcessHandle.of(tracker).ifPresent(p -> p.onExit().join());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!ResourceTracker.trackerAlive(tree) && System.nanoTime() < deadline) {
            SharedSegment.create(SharedLayout.Header.KIND_EVENT, SharedLayout.Event.SIZE);
            Thread.sleep(100);
        }
        assertThat(ResourceTracker.trackerAlive(tree)).as("a new tracker runs").isTrue();
        assertThat(awaitTracker(tree)).isNotEqualTo(tracker);
    }

    /**
     * A JVM ends only after its threads in native code have left it, waiting up to 300 ms for them,
     * and the JDK waits for each of its children on such a thread. The tracker outlives the tree's
     * root, so it must not be one: a program that used shared memory would end 300 ms late.
     */
    @Test
    void theTrackerIsNoDescendantOfTheProcessThatStartedIt() throws Exception {
        String tree = SharedSegment.treeTag();
        SharedSegment.create(SharedLayout.Header.KIND_EVENT, SharedLayout.Event.SIZE);
        long tracker = awaitTracker(tree);
        assertThat(ProcessHandle.current().descendants().map(ProcessHandle::pid)).doesNotContain(tracker);
    }

    @ParameterizedTest(name = "setsid available: {0}")
    @ValueSource(booleans = {true, false})
    void theLauncherReturnsWhileWhatItStartedRunsOnOutsideThisJvmsTree(boolean setsid) throws Exception {
        assumeTrue(!setsid || Files.isExecutable(Path.of("/usr/bin/setsid")), "no setsid here");
        Path pidFile = make(Files.createTempFile("mp4j-launcher-test", ".pid"));
        List<String> command = new ArrayList<>(ResourceTracker.detachedLauncher(setsid));
        command.addAll(List.of("/bin/sh", "-c", "echo $$ > " + pidFile + "; exec sleep 600"));
        java.lang.Process launcher = new ProcessBuilder(command).start();
        assertThat(launcher.waitFor(30, TimeUnit.SECONDS)).as("the launcher has returned").isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> !Files.readString(pidFile).isBlank());
        ProcessHandle started = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).orElseThrow();
        try {
            assertThat(started.isAlive()).as("what it started runs on").isTrue();
            assertThat(ProcessHandle.current().descendants()).doesNotContain(started);
        } finally {
            started.destroyForcibly();
        }
    }

    /** The pid in the tree's lock file, once a tracker has written it. */
    private static long awaitTracker(String tree) throws Exception {
        Path lock = SharedSegment.DIRECTORY.resolve("mp4j-" + tree + ".tracker");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (ResourceTracker.trackerAlive(tree)) {
                return Long.parseLong(Files.readString(lock).trim().split(" ")[0]);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no tracker for " + tree);
    }
}
