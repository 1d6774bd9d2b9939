package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multiprocessing4j.testing.JavaProgram;

/**
 * Programs launched the ways Java users launch them, each a program of its own: under a host that
 * loads the application through a class loader of its own and joins its threads ({@code mvn
 * exec:java}, IDE runners), as a single source file ({@code java Hello.java}), and from jshell,
 * which cannot work and must say so.
 */
@Timeout(120)
class LaunchPathsTest {
    private static final Duration PROGRAM_LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /** The program a host runs: a child that puts on a queue, joined. */
    public static class ProgramUnderAHost {
        public static void main(String[] args) throws Exception {
            Queue<String> queue = new Queue<>();
            Process child = new Process(() -> queue.put("the child ran"));
            child.start();
            System.out.println(queue.take());
            child.join();
            System.out.println("exit code " + child.exitCode().orElse(-1));
        }
    }

    /**
     * Runs a program as {@code mvn exec:java} does: its classes, and this library, only in a class
     * loader of the host's own (java.class.path has neither), its main in a thread group, whose
     * non-daemon threads the host then joins before it ends.
     */
    public static class ExecJavaLikeHost {
        public static void main(String[] args) throws Exception {
            List<URL> urls = new ArrayList<>();
            for (String entry : args[0].split(File.pathSeparator)) {
                urls.add(Path.of(entry).toUri().toURL());
            }
            URLClassLoader loader = new URLClassLoader("host", urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
            ThreadGroup group = new ThreadGroup("program");
            Thread main = new Thread(group, () -> {
                try {
                    loader.loadClass(args[1]).getMethod("main", String[].class).invoke(null, (Object) new String[0]);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }, "program-main");
            main.start();
            main.join();
            Thread[] threads = new Thread[group.activeCount() + 16];
            int n = group.enumerate(threads, true);
            for (int i = 0; i < n; i++) {
                if (!threads[i].isDaemon()) {
                    threads[i].join();
                }
            }
            System.out.println("host done");
        }
    }

    @Test
    void aProgramLoadedByItsHostsOwnClassLoaderStartsChildrenAndTheHostThatJoinsItsThreadsEnds() throws Exception {
        String hostOnly = codeLocation(ExecJavaLikeHost.class).toString(); // the test classes, not the library
        try (JavaProgram host = JavaProgram.startWithClassPathOption(List.of("-cp", hostOnly), ExecJavaLikeHost.class,
                System.getProperty("java.class.path"), ProgramUnderAHost.class.getName())) {
            assertThat(host.waitFor(PROGRAM_LIMIT)).as(host.stderr()).isZero();
            assertThat(host.output()).containsExactly("the child ran", "exit code 0", "host done");
        }
    }

    @Test
    void aSingleSourceFileProgramStartsChildrenAndLeavesNoCompiledCopyBehind() throws Exception {
        Path source = dir.resolve("Hello.java");
        Files.writeString(source, """
                import org.multiprocessing4j.Process;
                import org.multiprocessing4j.Queue;

                void main() throws Exception {
                    Queue<String> queue = new Queue<>();
                    String greeting = "hello";
                    Process child = new Process(() -> queue.put(greeting + " from a child of a source file"));
                    child.start();
                    IO.println(queue.take());
                    child.join();
                    IO.println("exit code " + child.exitCode().orElse(-1));
                }
                """);
        try (JavaProgram program = JavaProgram.run(List.of(JavaProgram.jdkTool("java"), "--enable-native-access=ALL-UNNAMED",
                "-cp", codeLocation(Process.class).toString(), source.toString()))) {
            assertThat(program.waitFor(PROGRAM_LIMIT)).as(program.stderr()).isZero();
            assertThat(program.output()).containsExactly("hello from a child of a source file", "exit code 0");
            assertThat(compiledCopiesOf(program.pid())).isEmpty();
        }
    }

    @Test
    void aSingleSourceFileProgramsOwnTypesReachItsManagerAndItsPoolWorkers() throws Exception {
        Path source = dir.resolve("Records.java");
        Files.writeString(source, """
                import org.multiprocessing4j.Manager;
                import org.multiprocessing4j.Pool;

                record Item(String name) implements java.io.Serializable {}

                interface Counter {
                    int next();
                }

                static class RealCounter implements Counter {
                    private int count;

                    public synchronized int next() {
                        return ++count;
                    }
                }

                void main() throws Exception {
                    try (Manager manager = Manager.start(); Pool pool = new Pool(1)) {
                        java.util.Map<String, Item> d = manager.dict();
                        d.put("a", new Item("kept by a manager"));
                        IO.println(d.get("a").name());
                        IO.println(pool.map(x -> new Item("made by a pool worker"), java.util.List.of(1)).get(0).name());
                        manager.register("counter", Counter.class, RealCounter::new);
                        Counter counter = manager.create("counter", Counter.class);
                        IO.println("counted to " + counter.next() + ", " + counter.next() + " by a registered type");
                    }
                }
                """);
        try (JavaProgram program = JavaProgram.run(List.of(JavaProgram.jdkTool("java"), "--enable-native-access=ALL-UNNAMED",
                "-cp", codeLocation(Process.class).toString(), source.toString()))) {
            assertThat(program.waitFor(PROGRAM_LIMIT)).as(program.stderr()).isZero();
            assertThat(program.output()).containsExactly("kept by a manager", "made by a pool worker",
                    "counted to 1, 2 by a registered type");
        }
    }

    @Test
    void jshellRefusesToStartAChildAndSaysWhyAndWhatToDo() throws Exception {
        Path script = dir.resolve("start.jsh");
        Files.writeString(script, """
                import org.multiprocessing4j.Process;
                try { new Process(() -> System.out.println("never")).start(); System.out.println("STARTED"); } catch (IllegalStateException e) { System.out.println("REFUSED " + e.getMessage()); }
                /exit
                """);
        try (JavaProgram jshell = JavaProgram.run(List.of(JavaProgram.jdkTool("jshell"), "-R--enable-native-access=ALL-UNNAMED",
                "--class-path", codeLocation(Process.class).toString(), script.toString()))) {
            assertThat(jshell.waitFor(PROGRAM_LIMIT)).as(jshell.stderr()).isZero();
            assertThat(jshell.output()).singleElement().asString()
                    .startsWith("REFUSED cannot start a child process from jshell")
                    .contains("exists only inside jshell", "/env --class-path", "as a source file");
        }
    }

    private static Path codeLocation(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static List<Path> compiledCopiesOf(long pid) throws Exception {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(p -> p.getFileName().toString().startsWith("mp4j-src-" + pid + "-")).toList();
        }
    }
}
