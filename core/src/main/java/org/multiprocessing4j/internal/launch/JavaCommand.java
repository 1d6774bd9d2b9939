package org.multiprocessing4j.internal.launch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a child JVM: the parent's own {@code java}, its class path (or module path),
 * native access for this library, the user's options, then {@link ChildMain} with the control
 * socket. The authkey is not on it: command lines are visible to every user of the machine.
 */
final class JavaCommand {
    /**
     * Options every child gets before the user's (a later option wins, so the user can undo them):
     * no {@code hsperfdata} file, which a killed JVM would leave in the temporary directory, and
     * which costs start-up time.
     */
    static final List<String> DEFAULT_OPTIONS = List.of("-XX:-UsePerfData");

    private JavaCommand() {}

    static List<String> forChild(List<String> userOptions, Path controlSocket) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(DEFAULT_OPTIONS);
        Module module = ChildMain.class.getModule();
        String classPath = System.getProperty("java.class.path", "");
        if (module.isNamed()) {
            command.add("--enable-native-access=" + module.getName());
            command.addAll(userOptions);
            command.add("--module-path");
            command.add(System.getProperty("jdk.module.path", ""));
            // Every module the parent could see, so that the task's classes resolve in the child.
            command.add("--add-modules");
            command.add("ALL-MODULE-PATH");
            if (!classPath.isEmpty()) {
                command.add("-cp");
                command.add(classPath);
            }
            command.add("-m");
            command.add(module.getName() + "/" + ChildMain.class.getName());
        } else {
            command.add("--enable-native-access=ALL-UNNAMED");
            command.addAll(userOptions);
            command.add("-cp");
            command.add(classPath);
            command.add(ChildMain.class.getName());
        }
        command.add(controlSocket.toString());
        return command;
    }
}
