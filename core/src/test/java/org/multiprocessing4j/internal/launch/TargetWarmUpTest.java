package org.multiprocessing4j.internal.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A spare's warm-up for what targets use first: it writes nothing where the spare's output goes
 * (its parent's), and it stops once its task has come.
 */
@Timeout(30)
class TargetWarmUpTest {
    @Test
    void warmingUpWritesNothingToStandardOutputOrError() {
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        PrintStream out = System.out;
        PrintStream err = System.err;
        try (PrintStream capture = new PrintStream(written, true)) {
            System.setOut(capture);
            System.setErr(capture);
            TargetWarmUp.exercise(() -> false);
            TargetWarmUp.exercise(() -> false);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }

        assertThat(written.size()).isZero();
    }

    @Test
    void aTaskThatHasComeStopsTheWarmUpBeforeItsNextStep() {
        AtomicInteger looks = new AtomicInteger();

        TargetWarmUp.exercise(() -> looks.incrementAndGet() > 1);

        assertThat(looks).hasValue(2); // looked before the first step and before the second, and stopped
    }
}
