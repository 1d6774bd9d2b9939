package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multiprocessing4j.internal.launch.ChildMain;
import org.multiprocessing4j.testing.JavaProgram;
import org.multiprocessing4j.testing.Scratch;
import org.multiprocessing4j.testing.Segments;

/** How a child gets its task: down its standard input, whatever the task's size and form. */
@Timeout(60)
class LaunchTest {
    /** Larger than a pipe holds, so the parent writes it while the child reads. */
    private static final int LARGE = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void aLargeCapturedArrayReachesTheChildWhole() throws Exception {
        String out = dir.resolve("out").toString();
        byte[] data = new byte[LARGE];
        new Random(42).nextBytes(data);
        int expected = Arrays.hashCode(data);
        Process p = new Process(() -> Scratch.write(out, data.length + ":" + Arrays.hashCode(data)));
        p.start();
        p.join();
        assertThat(p.exitCode()).hasValue(0);
        assertThat(Scratch.read(out)).isEqualTo(LARGE + ":" + expected);
    }

    @Test
    void aLargeCaptureWithoutACompactFormReachesTheChildWhole() throws Exception {
        String out = dir.resolve("out").toString();
        List<Integer> numbers = new ArrayList<>();
        for (int i = 0; i < LARGE / 8; i++) {
            numbers.add(i);
        }
        long expected = numbers.stream().mapToLong(Integer::longValue).sum();
        Process p = new Process(() -> Scratch.write(out, Long.toString(numbers.stream().mapToLong(Integer::longValue).sum())));
        p.start();
        p.join();
        assertThat(p.exitCode()).hasValue(0);
        assertThat(Scratch.read(out)).isEqualTo(Long.toString(expected));
    }

    @Test
    void theChildsStandardInputIsAtItsEnd() throws Exception {
        String out = dir.resolve("out").toString();
        Process p = new Process(() -> Scratch.write(out, Integer.toString(System.in.read())));
        p.start();
        p.join();
        assertThat(Scratch.read(out)).isEqualTo("-1");
    }

    @Test
    void aChildGivenGarbageOnStandardInputSaysSoAndExits() throws Exception {
        try (JavaProgram child = JavaProgram.start(ChildMain.class, dir.resolve("control").toString())) {
            try (OutputStream stdin = child.process().getOutputStream()) {
                stdin.write("not a launch message at all\n".getBytes(StandardCharsets.UTF_8));
            }
            assertThat(child.waitFor(Duration.ofSeconds(30))).isEqualTo(ChildMain.EXIT_BOOTSTRAP_FAILED);
            assertThat(child.stderr()).contains("could not start").contains("does not start with a launch message");
        }
    }

    /**
     * Deletes the file of an Event's memory, then starts a child that uses the Event, and prints the
     * child's exit code. A program of its own: the Event shares its block with this JVM's other
     * small primitives, which the deletion takes away too.
     */
    public static final class DeletesAnEventsMemoryThenStartsAChild {
        public static void main(String[] args) throws Exception {
            Event event = new Event();
            Files.delete(Path.of("/dev/shm", Segments.nameOf(event)));
            Process p = new Process(event::set);
            p.start();
            p.join();
            System.out.println("exit code " + p.exitCode().orElseThrow());
            System.out.println("start error " + p.startError().orElse(""));
        }
    }

    @Test
    void aHandleWhoseMemoryIsGoneWhenTheChildReadsItFailsTheChildClearly() throws Exception {
        try (JavaProgram program = JavaProgram.start(DeletesAnEventsMemoryThenStartsAChild.class)) {
            assertThat(program.waitFor(Duration.ofSeconds(60))).as(program.stderr()).isZero();
            assertThat(program.output()).first().isEqualTo("exit code " + ChildMain.EXIT_BOOTSTRAP_FAILED);
            assertThat(program.output().get(1)).startsWith("start error ").contains("no longer exists");
        }
    }

    @Test
    void aClassPathTooLongForTheCommandLineGoesInAnArgumentFileThatIsThenDeleted() throws Exception {
        StringBuilder classPath = new StringBuilder(System.getProperty("java.class.path"));
        while (classPath.length() < 200_000) {
            classPath.append(File.pathSeparator).append("/nonexistent/mp4j-padding-").append(classPath.length());
        }
        Path programArguments = dir.resolve("program-arguments");
        Files.writeString(programArguments, "-cp \"" + classPath + "\"");
        try (JavaProgram program = JavaProgram.startWithClassPathOption(
                List.of("@" + programArguments), StartsAChild.class, dir.toString())) {
            assertThat(program.waitFor(Duration.ofSeconds(60))).as(program.stderr()).isZero();
            assertThat(program.output()).containsExactly("child ran", "exit code 0", "argument files left: 0");
        }
    }

    /** Starts a child that prints, then counts the argument files the library left behind. */
    public static final class StartsAChild {
        public static void main(String[] args) throws Exception {
            Process child = new Process(() -> System.out.println("child ran"));
            child.start();
            child.join();
            System.out.println("exit code " + child.exitCode().orElseThrow());
            try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
                long left = files.filter(f -> f.getFileName().toString().startsWith("mp4j-args-")).count();
                System.out.println("argument files left: " + left);
            }
        }
    }

    @Test
    void aChildWhoseParentClosesStandardInputEarlyExits() throws Exception {
        try (JavaProgram child = JavaProgram.start(ChildMain.class, dir.resolve("control").toString())) {
            child.process().getOutputStream().close();
            assertThat(child.waitFor(Duration.ofSeconds(30))).isEqualTo(ChildMain.EXIT_BOOTSTRAP_FAILED);
            assertThat(child.stderr()).contains("could not start").contains("EOFException");
        }
    }
}
