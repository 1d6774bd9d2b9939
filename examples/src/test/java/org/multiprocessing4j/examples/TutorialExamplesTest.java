package org.multiprocessing4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multiprocessing4j.testing.JavaProgram;

/** Each tutorial program, run as the user runs it, prints what the tutorial shows. */
@Timeout(120)
class TutorialExamplesTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @Test
    void twoProcessesRunTheSameTargetWithTheirOwnArgument() throws Exception {
        try (JavaProgram program = JavaProgram.start(ProcessWithTarget.class, "2")) {
            assertThat(program.waitFor(LIMIT)).isZero();
            assertThat(program.output()).containsExactlyInAnyOrder("hello A", "hello A", "hello B", "hello B");
        }
    }

    @Test
    void aSubclassOfProcessRunsItsOwnRun() throws Exception {
        try (JavaProgram program = JavaProgram.start(SubclassOfProcess.class, "2")) {
            assertThat(program.waitFor(LIMIT)).isZero();
            assertThat(program.output()).containsExactlyInAnyOrder(
                    "hello A", "hello A", "hello B", "hello B", "hello C", "hello C");
        }
    }

    @Test
    void withTheLockTwoTimesThreeThousandLinesComeOutWhole() throws Exception {
        try (JavaProgram program = JavaProgram.start(LockedPrinting.class, "3000", "0")) {
            assertThat(program.waitFor(LIMIT)).isZero();
            List<String> lines = program.output();
            assertThat(lines).hasSize(6000).containsOnly("hello A", "hello B");
            assertThat(lines.stream().filter("hello A"::equals)).hasSize(3000);
        }
    }

    @Test
    void theDaemonEndsWithMainWhileTheOtherRunsOn() throws Exception {
        try (JavaProgram program = JavaProgram.start(DaemonProcess.class)) {
            assertThat(program.waitFor(LIMIT)).isZero();
            List<String> lines = program.output();
            // hello A, hello B (the two children start together, so either may print first),
            // End, then B alone twice more.
            assertThat(lines).hasSize(5);
            assertThat(lines.subList(0, 2)).containsExactlyInAnyOrder("hello A", "hello B");
            assertThat(lines.subList(2, 5)).containsExactly("End", "hello B", "hello B");
        }
    }

    @Test
    void aPoolMapDrawsItsProgressAndPrintsTheSum() throws Exception {
        try (JavaProgram program = JavaProgram.start(PoolMapWithProgress.class, "50", "5")) {
            assertThat(program.waitFor(LIMIT)).isZero();
            // 0² + 1² + ... + 49² = 49 · 50 · 99 / 6
            assertThat(program.output()).containsExactly("sum of squares: 40425");
        }
    }

    @Test
    void managerWordCountCountsInWorkersAndReadsOverTcp() throws Exception {
        try (JavaProgram program = JavaProgram.start(ManagerWordCount.class)) {
            assertThat(program.waitFor(LIMIT)).isZero();
            assertThat(program.output()).contains("the: 4", "dog: 2", "fox: 2", "sleeps: 1").hasSize(11);
        }
    }

    @Test
    void clusterPrimesCountsOnTwoLocalNodes() throws Exception {
        try (JavaProgram program = JavaProgram.start(ClusterPrimes.class, "--local", "2")) {
            assertThat(program.waitFor(LIMIT)).isZero();
            assertThat(program.output()).containsExactly("primes below 2000000: 148933, counted by 2 workers");
        }
    }
}
