package org.multiprocessing4j.internal.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multiprocessing4j.testing.JavaProgram;
import org.multiprocessing4j.testing.Pids;

/**
 * A JVM's end wakes its threads that sleep on a futex, and later waits no longer sleep in the
 * kernel: HotSpot's exit waits for threads in native code, and a futex sleep is one.
 */
@Timeout(120)
class FutexExitTest {
    private static final Duration LONG_SLEEP = Duration.ofMinutes(10);
    private static final Duration PROGRAM_LIMIT = Duration.ofSeconds(60);

    /**
     * A daemon thread sleeps on a word that nobody changes, for ten minutes, twice; once it sleeps
     * in the kernel, this program does what its end would do, and prints how the two sleeps ended.
     */
    public static class SleeperAtTheEnd {
        public static void main(String[] args) throws Exception {
            Futex.link();
            MemorySegment word = Arena.global().allocate(Integer.BYTES, Integer.BYTES);
            List<Futex.Wake> wakes = new CopyOnWriteArrayList<>();
            String[] sleeperTask = new String[1];
            Thread sleeper = Thread.ofPlatform().daemon().start(() -> {
                try {
                    sleeperTask[0] = Files.readSymbolicLink(Path.of("/proc/thread-self")).toString();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                wakes.add(Futex.await(word, 0, LONG_SLEEP));
                wakes.add(Futex.await(word, 0, LONG_SLEEP));
            });
            // Registered, the thread can sleep only in the futex call.
            await().atMost(PROGRAM_LIMIT).until(() -> Futex.registeredAsSleeper(sleeper)
                    && Pids.state(Path.of("/proc").resolve(sleeperTask[0]).resolve("stat")) == 'S');
            Futex.wakeSleepersForExit();
            sleeper.join(PROGRAM_LIMIT);
            System.out.println("WAKES " + wakes);
        }
    }

    @Test
    void theEndOfAJvmWakesItsFutexSleepersAndLaterWaitsDoNotSleepInTheKernel() throws Exception {
        try (JavaProgram program = JavaProgram.start(SleeperAtTheEnd.class)) {
            assertThat(program.nextLine(PROGRAM_LIMIT)).isEqualTo("WAKES [WOKEN, WOKEN]");
            assertThat(program.waitFor(PROGRAM_LIMIT)).isZero();
        }
    }
}
