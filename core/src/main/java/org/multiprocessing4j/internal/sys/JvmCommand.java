package org.multiprocessing4j.internal.sys;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a JVM that runs one of this library's classes: the current {@code java},
 * its class path (or module path, when this library is a named module), native access for the
 * library, then the options, the main class and its arguments.
 */
public final class JvmCommand {
    private JvmCommand() {}

    public static List<String> of(Class<?> mainClass, List<String> options, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Module module = mainClass.getModule();
        String classPath = System.getProperty("java.class.path", "");
        if (module.isNamed()) {
            command.add("--enable-native-access=" + module.getName());
            command.addAll(options);
            command.add("--module-path");
            command.add(System.getProperty("jdk.module.path", ""));
            // Every module the parent could see, so that a task's classes resolve in the child.
            command.add("--add-modules");
            command.add("ALL-MODULE-PATH");
            if (!classPath.isEmpty()) {
                command.add("-cp");
                command.add(classPath);
            }
            command.add("-m");
            command.add(module.getName() + "/" + mainClass.getName());
        } else {
            command.add("--enable-native-access=ALL-UNNAMED");
            command.addAll(options);
            command.add("-cp");
            command.add(classPath);
            command.add(mainClass.getName());
        }
        command.addAll(args);
        return command;
    }
}
