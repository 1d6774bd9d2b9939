package org.multiprocessing4j.internal.launch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.multiprocessing4j.internal.sys.JvmCommand;

/**
 * The command line of a child JVM: {@link JvmCommand} with the library's default options, the
 * user's options, and {@link ChildMain} with the control socket. The authkey is not on it: command
 * lines are visible to every user of the machine.
 */
final class JavaCommand {
    /**
     * Options every child gets before the user's (a later option wins, so the user can undo them):
     * no {@code hsperfdata} file, which a killed JVM would leave in the temporary directory, and
     * which costs start-up time.
     */
    static final List<String> DEFAULT_OPTIONS = List.of("-XX:-UsePerfData");

    private JavaCommand() {}

    static List<String> forChild(String classPath, List<String> userOptions, Path controlSocket) {
        return JvmCommand.of(ChildMain.class, classPath, withDefaults(userOptions), List.of(controlSocket.toString()));
    }

    /** A {@link Spares spare}'s command: a child's, told that it is a spare and which process is its parent. */
    static List<String> forSpare(String classPath, List<String> userOptions, Path controlSocket) {
        return JvmCommand.of(ChildMain.class, classPath, withDefaults(userOptions),
                List.of(controlSocket.toString(), ChildMain.SPARE, Long.toString(ProcessHandle.current().pid())));
    }

    private static List<String> withDefaults(List<String> userOptions) {
        List<String> options = new ArrayList<>(DEFAULT_OPTIONS);
        options.addAll(userOptions);
        return options;
    }
}
