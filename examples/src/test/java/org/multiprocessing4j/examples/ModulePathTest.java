package org.multiprocessing4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multiprocessing4j.Lock;
import org.multiprocessing4j.Multiprocessing;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.testing.JavaProgram;

/**
 * The library as a named module on the module path, granted native access alone, with the
 * application on the class path: its children are launched the same way and run the application's
 * lambdas, handles included.
 */
@Timeout(120)
class ModulePathTest {
    @Test
    void aChildOfAProgramThatUsesTheLibraryAsAModuleRunsItsTask() throws Exception {
        String library = entryNamed("multiprocessing4j-core");
        List<String> rest = new ArrayList<>(Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator)));
        rest.removeIf(entry -> entry.equals(library) || entry.contains("multiprocessing4j-core"));
        List<String> options = List.of(
                "--module-path", library,
                "--add-modules", "org.multiprocessing4j",
                "--enable-native-access=org.multiprocessing4j",
                "-cp", String.join(File.pathSeparator, rest));
        try (JavaProgram program = JavaProgram.startWithClassPathOption(options, StartsAChild.class)) {
            assertThat(program.waitFor(Duration.ofSeconds(60))).as(program.stderr()).isZero();
            assertThat(program.output()).containsExactly(
                    "library module: org.multiprocessing4j", "child ran in Process-1", "exit code 0");
            assertThat(program.stderr()).doesNotContain("WARNING");
        }
    }

    /** The library's JAR (or classes directory) on this test's class path. */
    private static String entryNamed(String name) {
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.contains(name) && !entry.contains("tests")) {
                return entry;
            }
        }
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (Path.of(entry).endsWith(Path.of("core", "target", "classes"))) {
                return entry;
            }
        }
        throw new AssertionError("the library is not on the class path: " + System.getProperty("java.class.path"));
    }

    /** Starts a child whose lambda captures a lock, and reports. */
    public static final class StartsAChild {
        public static void main(String[] args) throws Exception {
            System.out.println("library module: " + Process.class.getModule().getName());
            Lock lock = new Lock();
            Process child = new Process(() -> {
                lock.acquire();
                System.out.println("child ran in " + Multiprocessing.currentProcess().name());
                lock.release();
            });
            child.start();
            child.join();
            System.out.println("exit code " + child.exitCode().orElseThrow());
        }
    }
}
