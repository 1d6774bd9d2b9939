package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multiprocessing4j.internal.launch.ChildMain;

/**
 * Runs after every other test class ({@code @Order(MAX_VALUE)}): whatever the tests did, including
 * killing parents, no child JVM, no socket directory and no shared memory of an ended process tree
 * is left on the machine. (This JVM's own shared memory stays while it lives: it is a user.)
 */
@Order(Integer.MAX_VALUE)
@Timeout(60)
class LeakCheckTest {
    private static final Duration SETTLE = Duration.ofSeconds(20);

    @Test
    void noChildJvmIsLeft() throws Exception {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        List<String> left;
        do {
            left = ProcessHandle.allProcesses()
                    .filter(p -> p.info().commandLine().orElse("").contains(ChildMain.class.getName()))
                    .filter(p -> org.multiprocessing4j.testing.Pids.isRunning(p.pid()))
                    .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
                    .toList();
        } while (!left.isEmpty() && System.nanoTime() < deadline && sleep());
        assertThat(left).as("child JVMs still running").isEmpty();
    }

    @Test
    void noControlSocketDirectoryIsLeft() throws Exception {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        List<Path> left;
        do {
            try (var entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
                left = entries.filter(p -> p.getFileName().toString().startsWith("mp4j-")).toList();
            }
        } while (!left.isEmpty() && System.nanoTime() < deadline && sleep());
        assertThat(left).as("control socket directories left in the temporary directory").isEmpty();
    }

    @Test
    void noSharedMemoryOfAnEndedProcessTreeIsLeft() throws Exception {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        List<Path> left;
        do {
            left = SharedMemoryLeakTest.segmentsOfOtherTrees();
        } while (!left.isEmpty() && System.nanoTime() < deadline && sleep());
        assertThat(left).as("shared memory left in /dev/shm by process trees that have ended").isEmpty();
    }

    private static boolean sleep() throws InterruptedException {
        Thread.sleep(100);
        return true;
    }
}
