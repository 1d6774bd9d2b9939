package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multiprocessing4j.internal.shm.SharedSegment;
import org.multiprocessing4j.testing.Gate;
import org.multiprocessing4j.testing.JavaProgram;
import org.multiprocessing4j.testing.Pids;
import org.multiprocessing4j.testing.Scratch;
import org.multiprocessing4j.testing.Segments;

/**
 * What happens to children when their program ends: Python's exit function when it ends in order,
 * and, beyond Python, no orphans when it is killed. Each scenario is a program of its own.
 */
@Timeout(120)
class ProgramExitTest {
    private static final Duration PROGRAM_LIMIT = Duration.ofSeconds(60);
    /** The thread of {@code ProcessExit}'s shutdown hook, which runs once the program has begun to end. */
    private static final String EXIT_HOOK_THREAD = "mp4j-exit";

    @TempDir
    Path dir;

    /**
     * Starts a daemon child and a non-daemon child, then main returns without joining either,
     * while the daemon waits for the other to finish and would then outlive the program.
     */
    public static class MainReturnsWithoutJoin {
        public static void main(String[] args) throws Exception {
            String daemonStarted = args[0];
            String nonDaemonDone = args[1];
            String daemonOutlived = args[2];
            Process daemon = new Process(() -> {
                Gate.open(daemonStarted);
                Gate.await(nonDaemonDone);
                Thread.sleep(2000);
                Scratch.write(daemonOutlived, "the daemon child outlived the program");
            });
            daemon.setDaemon(true);
            daemon.start();
            Process worker = new Process(() -> {
                Gate.await(daemonStarted);
                Thread.sleep(300);
                Gate.open(nonDaemonDone);
            });
            worker.start();
            Gate.await(daemonStarted); // else the daemon may be terminated before it runs at all
            System.out.println(daemon.pid().getAsLong());
        }
    }

    @Test
    void whenMainReturnsDaemonChildrenAreTerminatedAndOthersAwaited() throws Exception {
        String daemonStarted = dir.resolve("daemon-started").toString();
        String nonDaemonDone = dir.resolve("non-daemon-done").toString();
        String daemonOutlived = dir.resolve("daemon-outlived").toString();
        try (JavaProgram program = JavaProgram.start(MainReturnsWithoutJoin.class,
                daemonStarted, nonDaemonDone, daemonOutlived)) {
            long daemonPid = Long.parseLong(program.nextLine(PROGRAM_LIMIT));
            assertThat(program.waitFor(PROGRAM_LIMIT)).isZero();
            assertThat(Gate.isOpen(nonDaemonDone)).as("the program waited for its non-daemon child").isTrue();
            assertThat(Pids.isRunning(daemonPid)).as("the daemon child is gone when the program is").isFalse();
            assertThat(Files.exists(Path.of(daemonOutlived))).isFalse();
        }
    }

    /** Starts a non-daemon child, then calls System.exit(0) at once. */
    public static class SystemExitWithAChildRunning {
        public static void main(String[] args) throws Exception {
            String childDone = args[0];
            new Process(() -> {
                Thread.sleep(300);
                Gate.open(childDone);
            }).start();
            System.exit(0);
        }
    }

    @Test
    void systemExitWaitsForNonDaemonChildrenAsPythonsExitDoes() throws Exception {
        String childDone = dir.resolve("child-done").toString();
        try (JavaProgram program = JavaProgram.start(SystemExitWithAChildRunning.class, childDone)) {
            assertThat(program.waitFor(PROGRAM_LIMIT)).isZero();
            assertThat(Gate.isOpen(childDone)).isTrue();
        }
    }

    /** Starts a daemon and a non-daemon child that never end, prints their pids, and waits. */
    public static class ParentOfEndlessChildren {
        public static void main(String[] args) throws Exception {
            Process daemon = new Process(() -> Thread.sleep(Long.MAX_VALUE));
            daemon.setDaemon(true);
            daemon.start();
            Process worker = new Process(() -> {
                Process grandchild = new Process(() -> Thread.sleep(Long.MAX_VALUE));
                grandchild.start();
                System.out.println("grandchild " + grandchild.pid().getAsLong());
                Thread.sleep(Long.MAX_VALUE);
            });
            worker.start();
            System.out.println("children " + daemon.pid().getAsLong() + " " + worker.pid().getAsLong());
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    @Test
    void childrenAndGrandchildrenExitWithinOneSecondOfTheirParentsSigkill() throws Exception {
        try (JavaProgram program = JavaProgram.start(ParentOfEndlessChildren.class)) {
            long[] pids = readDescendants(program);
            program.process().destroyForcibly(); // SIGKILL: no shutdown hook runs in the parent
            program.process().onExit().get(10, TimeUnit.SECONDS);
            for (long pid : pids) {
                Pids.awaitGone(pid, Duration.ofSeconds(1));
            }
            assertThat(controlDirectoriesOf(program.pid())).as("the children removed the dead parent's socket").isEmpty();
        }
    }

    /** Starts a chain of descendants, each the child of the one before, prints their pids, and waits. */
    public static class ChainOfDescendants {
        static final int DEPTH = 5;

        static void extend(int depth) throws Exception {
            System.out.println("descendant " + ProcessHandle.current().pid());
            if (depth < DEPTH) {
                new Process(() -> extend(depth + 1)).start();
            }
            Thread.sleep(Long.MAX_VALUE);
        }

        public static void main(String[] args) throws Exception {
            new Process(() -> extend(1)).start();
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    @Test
    void everyDescendantOfAChainOfFiveExitsWithinOneSecondOfTheRootsSigkill() throws Exception {
        try (JavaProgram program = JavaProgram.start(ChainOfDescendants.class)) {
            List<Long> pids = new ArrayList<>();
            for (int i = 0; i < ChainOfDescendants.DEPTH; i++) {
                pids.add(Long.parseLong(program.nextLine(PROGRAM_LIMIT).substring("descendant ".length())));
            }
            long killed = System.nanoTime();
            program.process().destroyForcibly();
            for (long pid : pids) {
                Pids.awaitGone(pid, Duration.ofSeconds(1).minusNanos(System.nanoTime() - killed));
            }
        }
    }

    @Test
    void childrenExitWhenTheirParentIsTerminated() throws Exception {
        try (JavaProgram program = JavaProgram.start(ParentOfEndlessChildren.class)) {
            long[] pids = readDescendants(program);
            program.process().destroy(); // SIGTERM: a signalled program does not wait for its children
            program.process().onExit().get(30, TimeUnit.SECONDS);
            for (long pid : pids) {
                Pids.awaitGone(pid, Duration.ofSeconds(1));
            }
            assertThat(controlDirectoriesOf(program.pid())).isEmpty();
        }
    }

    @Test
    void aTerminatedProgramDeletesItsControlSocketAtItsEndThoughItsChildrenStillRun() throws Exception {
        try (JavaProgram program = JavaProgram.start(ParentOfEndlessChildren.class)) {
            long[] pids = readDescendants(program);
            Pids.signal("STOP", pids); // as if the signal that ends the program killed them before they could clean up
            try {
                program.process().destroy();
                program.process().onExit().get(30, TimeUnit.SECONDS);
                assertThat(controlDirectoriesOf(program.pid())).as("deleted by the program itself").isEmpty();
            } finally {
                Pids.signalThoseRunning("CONT", pids); // they find their parent gone, and end
            }
            for (long pid : pids) {
                Pids.awaitGone(pid, Duration.ofSeconds(1));
            }
        }
    }

    /**
     * Starts a child whose target holds a queue, paused at its JVM's start until the file
     * {@code args[0]} is deleted; prints the child's pid and the tree's tag, and waits to be killed.
     */
    public static class StartsAChildPausedAtItsStart {
        public static void main(String[] args) throws Exception {
            Queue<Integer> queue = new Queue<>();
            Process child = new Process(() -> queue.put(1));
            child.setJvmOptions(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:+PauseAtStartup",
                    "-XX:PauseAtStartupFile=" + args[0]));
            child.start();
            System.out.println(child.pid().getAsLong() + " " + SharedSegment.treeTag());
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    @Test
    void aChildWhoseParentDiesBeforeItReadsItsLaunchHaltsWithoutAnErrorThoughTheLaunchsQueueIsGone() throws Exception {
        Path pause = dir.resolve("pause");
        try (JavaProgram program = JavaProgram.start(StartsAChildPausedAtItsStart.class, pause.toString())) {
            String[] started = program.nextLine(PROGRAM_LIMIT).split(" ");
            long child = Long.parseLong(started[0]);
            await().atMost(PROGRAM_LIMIT).until(() -> Files.exists(pause)); // the child's JVM waits for it to go
            program.process().destroyForcibly();
            program.process().onExit().get(30, TimeUnit.SECONDS);
            await().atMost(PROGRAM_LIMIT).until(() -> Segments.ofTree(started[1]).isEmpty()); // the tracker removed the queue
            Files.delete(pause);
            Pids.awaitGone(child, Duration.ofSeconds(30));
            assertThat(program.stderr()).as("an orphan halts; nobody is left to read why it could not start")
                    .doesNotContain("could not start");
        }
    }

    /**
     * Starts a child paused at its JVM's start until the file {@code args[0]} is deleted, whose
     * launch is too big for the pipe to hold: the program writes it while the child reads. Prints
     * the child's pid and waits to be killed.
     */
    public static class StartsAChildWithABigLaunchPausedAtItsStart {
        public static void main(String[] args) throws Exception {
            byte[] big = new byte[1 << 20];
            Process child = new Process(() -> System.out.println(big.length));
            child.setJvmOptions(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:+PauseAtStartup",
                    "-XX:PauseAtStartupFile=" + args[0]));
            child.start();
            System.out.println(child.pid().getAsLong());
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    @Test
    void aChildWhoseParentDiesWhileWritingItsLaunchHaltsWithoutAnError() throws Exception {
        Path pause = dir.resolve("pause");
        try (JavaProgram program = JavaProgram.start(StartsAChildWithABigLaunchPausedAtItsStart.class, pause.toString())) {
            long child = Long.parseLong(program.nextLine(PROGRAM_LIMIT));
            await().atMost(PROGRAM_LIMIT).until(() -> Files.exists(pause));
            program.process().destroyForcibly(); // the launch is cut short: the pipe holds only its start
            program.process().onExit().get(30, TimeUnit.SECONDS);
            Files.delete(pause);
            Pids.awaitGone(child, Duration.ofSeconds(30));
            assertThat(program.stderr()).doesNotContain("could not start");
        }
    }

    /**
     * Starts a child whose target throws once its parent is gone, prints the child's pid once the
     * target runs (the gate {@code args[0]}), and waits to be killed.
     */
    public static class StartsAChildThatFailsOnceOrphaned {
        public static void main(String[] args) throws Exception {
            String running = args[0];
            Process child = new Process(() -> {
                long parent = ProcessHandle.current().parent().orElseThrow().pid();
                Gate.open(running);
                while (ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) == parent) {
                    Thread.sleep(1);
                }
                throw new IllegalStateException("what the parent made is gone");
            });
            child.start();
            Gate.await(running);
            System.out.println(child.pid().getAsLong());
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    @Test
    void anOrphanWhoseTargetFailsDoesNotReportItWithNobodyLeftToRead() throws Exception {
        try (JavaProgram program = JavaProgram.start(StartsAChildThatFailsOnceOrphaned.class, dir.resolve("running").toString())) {
            long child = Long.parseLong(program.nextLine(PROGRAM_LIMIT));
            program.process().destroyForcibly();
            Pids.awaitGone(child, Duration.ofSeconds(1));
            assertThat(program.stderr()).doesNotContain("what the parent made is gone");
        }
    }

    /** Starts a non-daemon child that never ends, prints its pid, and returns: the program waits for it at its exit. */
    public static class MainReturnsWhileAChildRunsOn {
        public static void main(String[] args) throws Exception {
            Process endless = new Process(() -> Thread.sleep(Long.MAX_VALUE));
            endless.start();
            System.out.println(endless.pid().getAsLong());
        }
    }

    @Test
    void aProgramThatWaitsForItsChildrenAtExitEndsWhenTerminatedAndTheyEndWithIt() throws Exception {
        try (JavaProgram program = JavaProgram.start(MainReturnsWhileAChildRunsOn.class)) {
            long child = Long.parseLong(program.nextLine(PROGRAM_LIMIT));
            await().atMost(PROGRAM_LIMIT).until(() -> hasThreadNamed(program.pid(), EXIT_HOOK_THREAD));
            program.process().destroy(); // SIGTERM while the exit hook waits for the child
            program.process().onExit().get(30, TimeUnit.SECONDS);
            Pids.awaitGone(child, Duration.ofSeconds(1));
        }
    }

    /** Whether a thread of process {@code pid} has the (kernel's, at most 15 characters) name {@code name}. */
    private static boolean hasThreadNamed(long pid, String name) throws java.io.IOException {
        try (var threads = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path thread : threads.toList()) {
                try {
                    if (Files.readString(thread.resolve("comm")).strip().equals(name)) {
                        return true;
                    }
                } catch (java.nio.file.NoSuchFileException ended) {
                    // a thread that ended meanwhile
                }
            }
            return false;
        }
    }

    /** A child prints a line, then waits for a gate the test opens after seeing the line. */
    public static class ChildPrints {
        public static void main(String[] args) throws Exception {
            String seen = args[0];
            Process p = new Process(() -> {
                System.out.println("hello from the child");
                System.err.println("error line from the child");
                Gate.await(seen);
            });
            p.start();
            p.join();
            System.out.println("child exit code " + p.exitCode().getAsInt());
        }
    }

    @Test
    void aKilledChildsControlDirectoryIsDeletedByItsParentWhenNoGrandchildCanDeleteIt() throws Exception {
        Queue<Long> grandchildren = new Queue<>();
        Process child = new Process(() -> {
            Process grandchild = new Process(() -> Thread.sleep(Long.MAX_VALUE));
            grandchild.start();
            grandchildren.put(grandchild.pid().getAsLong());
            Thread.sleep(Long.MAX_VALUE);
        });
        child.start();
        long grandchild = grandchildren.poll(PROGRAM_LIMIT.toSeconds(), TimeUnit.SECONDS);
        long pid = child.pid().getAsLong();
        assertThat(controlDirectoriesOf(pid)).as("the child's, which its grandchild connects to").hasSize(1);
        // Paused, the grandchild stands for one that cannot delete it: gone already, or just being started.
        Pids.signal("STOP", grandchild);
        try {
            child.kill();
            child.join();
            assertThat(controlDirectoriesOf(pid)).as("deleted by the killed child's parent").isEmpty();
        } finally {
            Pids.signal("KILL", grandchild);
        }
        Pids.awaitGone(grandchild, Duration.ofSeconds(10));
    }

    @Test
    void childrenWriteToTheParentsStandardStreamsAsTheyPrint() throws Exception {
        String seen = dir.resolve("seen").toString();
        try (JavaProgram program = JavaProgram.start(ChildPrints.class, seen)) {
            assertThat(program.nextLine(PROGRAM_LIMIT)).isEqualTo("hello from the child");
            Gate.open(seen);
            assertThat(program.nextLine(PROGRAM_LIMIT)).isEqualTo("child exit code 0");
            assertThat(program.waitFor(PROGRAM_LIMIT)).isZero();
            assertThat(program.stderr()).contains("error line from the child");
        }
    }

    private static long[] readDescendants(JavaProgram program) throws InterruptedException {
        long[] pids = new long[3];
        for (int found = 0; found < 2; found++) {
            String[] words = program.nextLine(PROGRAM_LIMIT).split(" ");
            if (words[0].equals("children")) {
                pids[0] = Long.parseLong(words[1]);
                pids[1] = Long.parseLong(words[2]);
            } else {
                pids[2] = Long.parseLong(words[1]);
            }
        }
        return pids;
    }

    /** Starts a child and joins it. */
    public static class StartsOneChild {
        public static void main(String[] args) throws Exception {
            Process child = new Process(() -> { });
            child.start();
            child.join();
            System.out.println("exit code " + child.exitCode().orElseThrow());
        }
    }

    /**
     * A program killed before it started a child leaves its control directory, since no child is
     * there to find it dead: the next program to start a child removes it.
     */
    @Test
    void aProgramsFirstStartRemovesTheControlDirectoryOfAProgramKilledBeforeItHadChildren() throws Exception {
        java.lang.Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path left = Files.createDirectory(Path.of(System.getProperty("java.io.tmpdir"), "mp4j-" + gone.pid() + "-0123abcd"));
        Files.createFile(left.resolve("control"));

        try (JavaProgram program = JavaProgram.start(StartsOneChild.class)) {
            assertThat(program.waitFor(PROGRAM_LIMIT)).as(program.stderr()).isZero();
            assertThat(program.output()).containsExactly("exit code 0");
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> controlDirectoriesOf(gone.pid()).isEmpty());
    }

    private static java.util.List<Path> controlDirectoriesOf(long pid) throws java.io.IOException {
        try (var dirs = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("mp4j-" + pid + "-")).toList();
        }
    }
}
