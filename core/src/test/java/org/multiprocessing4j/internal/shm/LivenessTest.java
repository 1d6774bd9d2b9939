package org.multiprocessing4j.internal.shm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A process's start time, read from {@code /proc/<pid>/stat}, whatever its command name holds. */
@Timeout(30)
class LivenessTest {
    @Test
    void aCommandNameWithSpacesAndParenthesesDoesNotShiftTheFields(@TempDir Path directory) throws Exception {
        Path sleep = Files.copy(Path.of("/bin/sleep"), directory.resolve("a) b (c"));
        assertThat(sleep.toFile().setExecutable(true)).isTrue();
        java.lang.Process odd = new ProcessBuilder(sleep.toString(), "60").start();
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(odd.pid()), "stat"));
            assertThat(stat).contains("(a) b (c)");

            assertThat(Liveness.startTime(odd.pid())).isEqualTo(field22(stat));
            assertThat(Liveness.isAlive(odd.pid(), field22(stat))).isTrue();
            assertThat(Liveness.isAlive(odd.pid(), field22(stat) + 1)).isFalse();
        } finally {
            odd.destroyForcibly();
        }
    }

    @Test
    void aProcessThatEndedHasNoStartTime() throws Exception {
        java.lang.Process ended = new ProcessBuilder("true").start();
        assertThat(ended.waitFor(20, TimeUnit.SECONDS)).isTrue();

        assertThat(Liveness.startTime(ended.pid())).isEqualTo(Liveness.NOT_RUNNING);
    }

    @Test
    void thisProcessIsAliveUnderItsOwnStartTime() {
        assertThat(Liveness.isAlive(Liveness.selfPid(), Liveness.selfStartTime())).isTrue();
        assertThat(Liveness.selfStartTime()).isPositive();
    }

    /** Field 22, counted from the end of the command name, as proc(5) says. */
    private static long field22(String stat) {
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[22 - 3]);
    }
}
