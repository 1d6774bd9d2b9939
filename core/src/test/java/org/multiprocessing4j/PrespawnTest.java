package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multiprocessing4j.internal.launch.ChildMain;
import org.multiprocessing4j.internal.launch.Spares;
import org.multiprocessing4j.testing.JavaProgram;
import org.multiprocessing4j.testing.Pids;
import org.multiprocessing4j.testing.Prespawn;
import org.multiprocessing4j.testing.Scratch;

/** The PRESPAWN start method: spare JVMs that wait, are handed one task each, and never outlive their parent. */
@Timeout(120)
class PrespawnTest {
    private static final Duration SPARES_READY = Duration.ofSeconds(30);
    private static final Duration PROGRAM_LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private Context prespawn;

    @BeforeEach
    void prespawnContext() {
        prespawn = Multiprocessing.getContext(StartMethod.PRESPAWN);
    }

    @AfterEach
    void defaultsAgain() {
        prespawn.setSpares(0).setSpares(Spares.DEFAULT_COUNT).setSpareIdleTimeout(Spares.DEFAULT_IDLE_TIMEOUT);
        Multiprocessing.setStartMethod(StartMethod.SPAWN, true);
    }

    private static List<Long> sparesOnceThereAre(int count) {
        return await().atMost(SPARES_READY).until(Prespawn::waitingSpares, spares -> spares.size() == count);
    }

    @Test
    void startHandsTheProcessToAJvmThatWasAlreadyRunning() throws Exception {
        List<Long> waiting = sparesOnceThereAre(Spares.DEFAULT_COUNT);
        Instant beforeStart = Instant.now();
        Process p = prespawn.newProcess(() -> { });
        p.start();
        long pid = p.pid().orElseThrow();
        Instant jvmStarted = ProcessHandle.of(pid).flatMap(h -> h.info().startInstant()).orElseThrow();
        p.join();
        assertThat(p.exitCode()).hasValue(0);
        assertThat(waiting).contains(pid);
        assertThat(jvmStarted).isBefore(beforeStart);
        assertThat(p.startMethod()).isEqualTo(StartMethod.PRESPAWN);
    }

    @Test
    void sparesSetToZeroCancelAFillAlreadyScheduledThoughTheCountIsRaisedAgainAtOnce() throws Exception {
        prespawn.setSpares(0);
        Multiprocessing.getContext(StartMethod.PRESPAWN); // schedules a fill of the spares, for a moment later
        prespawn.setSpares(0).setSpares(Spares.DEFAULT_COUNT);
        await().during(Duration.ofSeconds(1)).atMost(SPARES_READY).until(Prespawn::waitingSpares, List::isEmpty);
    }

    /** A JVM that ran a task before would have counted further. */
    static final class TasksRunHere {
        static int count;
    }

    @Test
    void aStartThatFindsNoSpareWaitingStartsItsChildAsSpawnDoesNotAsASpareThatWouldWarmUpFirst() throws Exception {
        prespawn.setSpares(0);
        String out = dir.resolve("arguments").toString();
        Process p = prespawn.newProcess(() -> Scratch.write(out,
                String.join(" ", ProcessHandle.current().info().arguments().orElseThrow())));
        p.start();
        p.join();
        assertThat(p.exitCode()).hasValue(0);
        assertThat(p.startMethod()).isEqualTo(StartMethod.PRESPAWN);
        assertThat(Scratch.read(out)).contains(ChildMain.class.getName()).doesNotContain("--spare");
    }

    @Test
    void everyProcessGetsAFreshJvmOfItsOwn() throws Exception {
        List<Long> pids = new ArrayList<>();
        List<String> counts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String out = dir.resolve("count-" + i).toString();
            Process p = prespawn.newProcess(() -> Scratch.write(out, Integer.toString(++TasksRunHere.count)));
            p.start();
            p.join();
            pids.add(p.pid().orElseThrow());
            counts.add(Scratch.read(out));
        }
        assertThat(pids).doesNotHaveDuplicates();
        assertThat(counts).containsOnly("1");
    }

    @Test
    void aTakenSpareIsReplacedInTheBackground() throws Exception {
        List<Long> before = sparesOnceThereAre(Spares.DEFAULT_COUNT);
        Process p = prespawn.newProcess(() -> { });
        p.start();
        p.join();
        List<Long> after = sparesOnceThereAre(Spares.DEFAULT_COUNT);
        assertThat(after).doesNotContain(p.pid().orElseThrow()).isNotEqualTo(before);
    }

    @Test
    void theNumberOfSparesIsSetOnTheContextAndZeroDismissesThoseWaiting() throws Exception {
        prespawn.setSpares(3);
        Multiprocessing.getContext(StartMethod.PRESPAWN);
        List<Long> three = sparesOnceThereAre(3);
        assertThat(prespawn.spares()).isEqualTo(3);
        prespawn.setSpares(0);
        for (long pid : three) {
            Pids.awaitGone(pid, Duration.ofSeconds(5));
        }
        assertThat(Prespawn.waitingSpares()).isEmpty();
        Process p = prespawn.newProcess(() -> { });
        p.start();
        p.join();
        assertThat(p.exitCode()).hasValue(0);
        assertThat(Prespawn.waitingSpares()).as("none are kept").isEmpty();
    }

    @Test
    void aSpareThatWaitedLongerThanItsIdleTimeoutExits() throws Exception {
        prespawn.setSpares(0).setSpares(1).setSpareIdleTimeout(Duration.ofSeconds(2));
        assertThat(prespawn.spareIdleTimeout()).isEqualTo(Duration.ofSeconds(2));
        Multiprocessing.getContext(StartMethod.PRESPAWN);
        long spare = sparesOnceThereAre(1).getFirst();
        Pids.awaitGone(spare, Duration.ofSeconds(30));
        assertThat(Prespawn.waitingSpares()).isEmpty();
    }

    @Test
    void aProcessWithJvmOptionsGetsASpareStartedWithThem() throws Exception {
        for (int i = 0; i < 2; i++) {
            String out = dir.resolve("property-" + i).toString();
            Process p = prespawn.newProcess(() -> Scratch.write(out, System.getProperty("mp4j.test.option")));
            p.setJvmOptions(List.of("-Dmp4j.test.option=" + i));
            p.start();
            p.join();
            assertThat(Scratch.read(out)).isEqualTo(Integer.toString(i));
        }
    }

    @Test
    void aPoolStartsItsWorkersWithPrespawn() throws Exception {
        sparesOnceThereAre(Spares.DEFAULT_COUNT);
        try (Pool pool = Pool.builder().processes(2).context(prespawn).build()) {
            assertThat(pool.map(x -> x * x, List.of(1, 2, 3, 4))).containsExactly(1, 4, 9, 16);
        }
    }

    @Test
    void theDefaultStartMethodIsSetOnceUnlessForcedAndChildrenInheritIt() throws Exception {
        Multiprocessing.setStartMethod(StartMethod.SPAWN, true);
        assertThatThrownBy(() -> Multiprocessing.setStartMethod(StartMethod.PRESPAWN))
                .isInstanceOf(IllegalStateException.class).hasMessage("context has already been set");
        Multiprocessing.setStartMethod(StartMethod.PRESPAWN, true);
        assertThat(Multiprocessing.getStartMethod()).isEqualTo(StartMethod.PRESPAWN);
        String out = dir.resolve("method").toString();
        Process p = new Process(() -> Scratch.write(out, Multiprocessing.getStartMethod().name()));
        assertThat(p.startMethod()).isEqualTo(StartMethod.PRESPAWN);
        p.start();
        p.join();
        assertThat(Scratch.read(out)).isEqualTo("PRESPAWN");
    }

    @Test
    void aDaemonProcessWhichMayHaveNoChildrenKeepsNoSpares() throws Exception {
        String out = dir.resolve("spares").toString();
        Process daemon = new Process(() -> {
            Multiprocessing.getContext(StartMethod.PRESPAWN);
            Thread.sleep(1_000);
            Scratch.write(out, Integer.toString(Prespawn.waitingSpares().size()));
        });
        daemon.setDaemon(true);
        daemon.start();
        daemon.join();
        assertThat(Scratch.read(out)).isEqualTo("0");
    }

    @Test
    void sparesAreSetOnlyOnThePrespawnContextAndCheckTheirArguments() {
        Context spawn = Multiprocessing.getContext(StartMethod.SPAWN);
        assertThatThrownBy(() -> spawn.setSpares(1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("PRESPAWN");
        assertThatThrownBy(() -> prespawn.setSpares(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> prespawn.setSpareIdleTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
    }

    /** Fills its spares, prints their pids, then waits to be killed, or returns if told to. */
    public static class ProgramWithSpares {
        public static void main(String[] args) throws Exception {
            Multiprocessing.setStartMethod(StartMethod.PRESPAWN);
            List<Long> spares = await().atMost(SPARES_READY).until(Prespawn::waitingSpares, s -> s.size() == 2);
            System.out.println(spares.stream().map(String::valueOf).reduce((a, b) -> a + " " + b).orElseThrow());
            if (args[0].equals("wait")) {
                Thread.sleep(Long.MAX_VALUE);
            }
        }
    }

    @Test
    void sparesExitWithinASecondOfTheirParentsSigkillAndLeaveNothing() throws Exception {
        try (JavaProgram program = JavaProgram.start(ProgramWithSpares.class, "wait")) {
            List<Long> spares = pids(program.nextLine(PROGRAM_LIMIT));
            program.process().destroyForcibly();
            long killed = System.nanoTime();
            for (long pid : spares) {
                Pids.awaitGone(pid, Duration.ofSeconds(1).minusNanos(System.nanoTime() - killed));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> controlDirectoriesOf(program.pid()).isEmpty());
        }
    }

    @Test
    void sparesGoWhenTheirProgramEndsAndLeaveNothing() throws Exception {
        try (JavaProgram program = JavaProgram.start(ProgramWithSpares.class, "return")) {
            List<Long> spares = pids(program.nextLine(PROGRAM_LIMIT));
            assertThat(program.waitFor(PROGRAM_LIMIT)).isZero();
            for (long pid : spares) {
                Pids.awaitGone(pid, Duration.ofSeconds(1));
            }
            assertThat(controlDirectoriesOf(program.pid())).isEmpty();
            assertThat(program.stderr()).isEmpty();
        }
    }

    /**
     * Takes a spare for JVMs that pause at their start until the file {@code args[0]} is deleted
     * (which nobody does), so that the stock of such spares is refilled; prints the pids of the two
     * refills once they run, and returns while they are still paused, before their {@code main}.
     */
    public static class ProgramWithPausedSpares {
        public static void main(String[] args) throws Exception {
            List<String> paused = List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:+PauseAtStartup",
                    "-XX:PauseAtStartupFile=" + args[0]);
            Process taken = Multiprocessing.getContext(StartMethod.PRESPAWN).newProcess(() -> {}).setJvmOptions(paused);
            taken.start();
            taken.kill();
            taken.join();
            List<Long> refills = await().atMost(SPARES_READY).until(() -> ProcessHandle.current().children()
                    .filter(child -> child.info().arguments().map(a -> List.of(a).contains("-XX:+PauseAtStartup")).orElse(false))
                    .map(ProcessHandle::pid).toList(), pids -> pids.size() == 2);
            System.out.println("SPARES " + refills.get(0) + " " + refills.get(1));
        }
    }

    /**
     * A spare that never reads its input (here: paused before its {@code main}) cannot be dismissed;
     * the program's end kills it, and does not wait for it to boot.
     */
    @Test
    void sparesThatNeverReadTheirInputAreKilledWhenTheirProgramEnds(@TempDir Path scratch) throws Exception {
        Path pauseFile = scratch.resolve("paused");
        List<Long> spares = List.of();
        try (JavaProgram program = JavaProgram.start(ProgramWithPausedSpares.class, pauseFile.toString())) {
            String line = program.nextLine(PROGRAM_LIMIT);
            while (!line.startsWith("SPARES ")) {
                line = program.nextLine(PROGRAM_LIMIT);
            }
            spares = pids(line.substring("SPARES ".length()));
            assertThat(program.waitFor(PROGRAM_LIMIT)).isZero();
            for (long pid : spares) {
                Pids.awaitGone(pid, Duration.ofSeconds(1));
            }
            assertThat(controlDirectoriesOf(program.pid())).isEmpty();
        } finally {
            for (long pid : spares) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    /** Prints the default start method and the start method of a process it starts. */
    public static class SaysItsStartMethod {
        public static void main(String[] args) throws Exception {
            Process p = new Process(() -> { });
            p.start();
            p.join();
            System.out.println(Multiprocessing.getStartMethod() + " " + p.startMethod());
        }
    }

    @Test
    void aSystemPropertyGivesAProgramItsDefaultStartMethodAndABadOneIsNamed() throws Exception {
        List<String> prespawn = List.of("-D" + Multiprocessing.START_METHOD_PROPERTY + "=prespawn",
                "-cp", System.getProperty("java.class.path"));
        try (JavaProgram program = JavaProgram.startWithClassPathOption(prespawn, SaysItsStartMethod.class)) {
            assertThat(program.waitFor(PROGRAM_LIMIT)).as(program.stderr()).isZero();
            assertThat(program.output()).containsExactly("PRESPAWN PRESPAWN");
        }
        List<String> bad = List.of("-D" + Multiprocessing.START_METHOD_PROPERTY + "=fork",
                "-cp", System.getProperty("java.class.path"));
        try (JavaProgram program = JavaProgram.startWithClassPathOption(bad, SaysItsStartMethod.class)) {
            assertThat(program.waitFor(PROGRAM_LIMIT)).isNotZero();
            assertThat(program.stderr()).contains("IllegalArgumentException", "=fork names no start method");
        }
    }

    private static List<Long> pids(String line) {
        return Arrays.stream(line.split(" ")).map(Long::parseLong).toList();
    }

    private static List<Path> controlDirectoriesOf(long pid) throws IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(f -> f.getFileName().toString().startsWith("mp4j-" + pid + "-")).toList();
        }
    }
}
