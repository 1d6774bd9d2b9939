package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multiprocessing4j.internal.shm.SharedSegment;
import org.multiprocessing4j.testing.LeakBaseline;

/**
 * Runs after every other test class ({@code @Order(MAX_VALUE)}): whatever the tests did, including
 * killing parents, no child JVM, no socket directory, no compiled program and no shared memory of
 * an ended process tree that this run made is left ({@link LeakBaseline} says what was there before
 * it). This JVM's own shared memory stays while it lives: it is a user.
 */
@Order(Integer.MAX_VALUE)
@Timeout(60)
class LeakCheckTest {
    private static final Duration SETTLE = Duration.ofSeconds(20);

    @Test
    void noChildJvmIsLeft() throws Exception {
        assertThat(settled(LeakBaseline::newChildJvms)).as("child JVMs still running").isEmpty();
    }

    @Test
    void noFileInTheTemporaryDirectoryIsLeft() throws Exception {
        assertThat(settled(() -> LeakBaseline.newFiles().stream()
                .filter(p -> !p.startsWith("/dev/shm")).toList()))
                .as("control socket directories, argument files or compiled programs left in the temporary directory")
                .isEmpty();
    }

    @Test
    void noSharedMemoryOfAnEndedProcessTreeIsLeft() throws Exception {
        String mine = "mp4j-" + SharedSegment.treeTag();
        assertThat(settled(() -> LeakBaseline.newFiles().stream()
                .filter(p -> p.startsWith("/dev/shm") && !p.getFileName().toString().startsWith(mine)).toList()))
                .as("shared memory left in /dev/shm by process trees that have ended").isEmpty();
    }

    /** What {@code left} gives once it is empty, or after {@link #SETTLE}: the tracker works on a period. */
    private static <T> List<T> settled(Supplier<List<T>> left) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        List<T> now = left.get();
        while (!now.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            now = left.get();
        }
        return now;
    }
}
