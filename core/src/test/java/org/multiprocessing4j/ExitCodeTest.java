package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.multiprocessing4j.testing.Scratch;

/**
 * Exit codes as Python reports them ({@code test_sys_exit}, {@code test_stderr_flush}): the JDK
 * reports both {@code System.exit(143)} and death by SIGTERM as 143, so these need the child's own
 * report.
 */
@Timeout(60)
class ExitCodeTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 8, 130, 137, 143, 200, 255})
    void systemExitGivesItsStatusEvenWhenItLooksLikeASignal(int status) throws Exception {
        Process p = new Process(() -> System.exit(status));
        p.start();
        p.join();
        assertThat(p.exitCode()).hasValue(status);
    }

    @Test
    void haltGivesItsStatus() throws Exception {
        Process p = new Process(() -> Runtime.getRuntime().halt(3));
        p.start();
        p.join();
        assertThat(p.exitCode()).hasValue(3);
    }

    @Test
    void anUncaughtExceptionGivesOneAndPrintsProcessNameAndTheTrace() throws Exception {
        String err = dir.resolve("stderr").toString();
        Process p = new Process(() -> {
            System.setErr(new PrintStream(new FileOutputStream(err), true));
            throw new ArithmeticException("marker 1/0");
        });
        p.start();
        p.join();
        assertThat(p.exitCode()).hasValue(1);
        String text = Scratch.read(err);
        assertThat(text).startsWith("Process " + p.name() + ":\n")
                .contains("java.lang.ArithmeticException: marker 1/0")
                .contains("at " + ExitCodeTest.class.getName());
    }

    @Test
    void aCheckedExceptionFromTheTargetIsReportedAsItself() throws Exception {
        String err = dir.resolve("stderr").toString();
        Process p = new Process(() -> {
            System.setErr(new PrintStream(new FileOutputStream(err), true));
            throw new java.io.IOException("checked marker");
        });
        p.start();
        p.join();
        assertThat(p.exitCode()).hasValue(1);
        assertThat(Scratch.read(err)).contains("java.io.IOException: checked marker");
    }

    @Test
    void aJvmThatCannotStartReportsItsStatus() throws Exception {
        Process p = new Process(() -> { });
        p.setJvmOptions(java.util.List.of("-XX:+ThisOptionDoesNotExist"));
        p.start();
        p.join();
        assertThat(p.exitCode()).hasValue(1);
    }
}
