package org.multiprocessing4j.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.multiprocessing4j.Manager;

/**
 * Workloads as a user's program runs them: in a JVM of its own whose class path is the library's
 * JAR and the application's class directory (here this module's compiled classes), as under
 * {@code mvn exec:java} or an IDE, rather than in this benchmark's process, whose shaded JAR its
 * children find whole in the AOT cache made of that one JAR. Its {@code main} runs one workload and
 * prints its figure.
 */
public final class UserStyle {
    /** The workloads {@link #main} knows, each measured as the same row of {@link SideBySide} is. */
    enum Workload {
        START_JOIN, START_JOIN_VALUE, MANAGER_DICT_OP
    }

    private UserStyle() {}

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[1]);
        double figure = switch (Workload.valueOf(args[0])) {
            case START_JOIN -> Workloads.startJoinMillis(n);
            case START_JOIN_VALUE -> Workloads.startJoinWithValueMillis(n);
            case MANAGER_DICT_OP -> {
                try (Manager manager = Manager.start()) {
                    yield ManagerWorkloads.dictRoundTripMicros(manager, n, 0);
                }
            }
        };
        System.out.println(figure);
    }

    /**
     * {@code workload}'s figure, measured in such a program; empty if the library's JAR or the
     * classes are not where a build from the repository's root leaves them. A first run of the
     * program makes the library's AOT cache for that class path, as a user's first run does, and is
     * not counted: the measured run starts once no cache is being trained.
     */
    static OptionalDouble measure(Workload workload, int n) throws Exception {
        Path classes = Path.of("bench", "target", "classes");
        List<Path> jars = new ArrayList<>();
        try (var found = Files.newDirectoryStream(Path.of("core", "target"), "multiprocessing4j-core-*.jar")) {
            for (Path jar : found) {
                String name = jar.getFileName().toString();
                if (!name.endsWith("-tests.jar") && !name.endsWith("-sources.jar") && !name.endsWith("-javadoc.jar")) {
                    jars.add(jar);
                }
            }
        } catch (IOException notBuilt) {
            return OptionalDouble.empty();
        }
        if (jars.size() != 1 || !Files.isDirectory(classes)) {
            return OptionalDouble.empty();
        }
        List<String> command = List.of(Workloads.javaExecutable(), "--enable-native-access=ALL-UNNAMED", "-cp",
                jars.get(0) + File.pathSeparator + classes, UserStyle.class.getName(), workload.name(), Integer.toString(n));
        run(command);
        while (ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine().orElse("").contains("AotTrainer"))) {
            Thread.sleep(200);
        }
        return OptionalDouble.of(Double.parseDouble(run(command)));
    }

    private static String run(List<String> command) throws Exception {
        java.lang.Process program = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(program.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (program.waitFor() != 0) {
            throw new IllegalStateException("the user-style program failed: " + String.join(" ", command));
        }
        return out;
    }
}
