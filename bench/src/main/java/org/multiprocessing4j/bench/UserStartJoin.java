package org.multiprocessing4j.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The start-join of an empty target as a user's program sees it: a JVM of its own whose class path
 * is the library's JAR and the application's class directory (here this module's compiled classes),
 * as under {@code mvn exec:java} or an IDE, rather than this benchmark's shaded JAR, whose classes
 * its children find in the AOT cache made of that one JAR. Its {@code main} prints the mean
 * milliseconds of {@code n} runs after one, as {@link Workloads#startJoinMillis} measures.
 */
public final class UserStartJoin {
    private UserStartJoin() {}

    public static void main(String[] args) throws Exception {
        System.out.println(Workloads.startJoinMillis(Integer.parseInt(args[0])));
    }

    /**
     * The mean, measured in such a program; empty if the library's JAR or the classes are not where
     * a build from the repository's root leaves them. A first run of the program makes the
     * library's AOT cache for that class path, as a user's first run does, and is not counted: the
     * measured run starts once no cache is being trained.
     */
    static java.util.OptionalDouble millis(int n) throws Exception {
        Path classes = Path.of("bench", "target", "classes");
        List<Path> jars = new ArrayList<>();
        try (var found = Files.newDirectoryStream(Path.of("core", "target"), "multiprocessing4j-core-*.jar")) {
            for (Path jar : found) {
                String name = jar.getFileName().toString();
                if (!name.endsWith("-tests.jar") && !name.endsWith("-sources.jar") && !name.endsWith("-javadoc.jar")) {
                    jars.add(jar);
                }
            }
        } catch (java.io.IOException notBuilt) {
            return java.util.OptionalDouble.empty();
        }
        if (jars.size() != 1 || !Files.isDirectory(classes)) {
            return java.util.OptionalDouble.empty();
        }
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", jars.get(0) + java.io.File.pathSeparator + classes,
                UserStartJoin.class.getName(), Integer.toString(n));
        run(command);
        while (ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine().orElse("").contains("AotTrainer"))) {
            Thread.sleep(200);
        }
        return java.util.OptionalDouble.of(Double.parseDouble(run(command)));
    }

    private static String run(List<String> command) throws Exception {
        java.lang.Process program = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(program.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        if (program.waitFor() != 0) {
            throw new IllegalStateException("the user-style start program failed: " + String.join(" ", command));
        }
        return out;
    }
}
