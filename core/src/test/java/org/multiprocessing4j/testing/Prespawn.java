package org.multiprocessing4j.testing;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.multiprocessing4j.Multiprocessing;
import org.multiprocessing4j.StartMethod;
import org.multiprocessing4j.internal.launch.Spares;

/**
 * Runs a test class with PRESPAWN as the default start method, in this JVM and in the programs it
 * starts through {@link JavaProgram#start}, so that a suite written for SPAWN runs under both:
 * {@code @ExtendWith(Prespawn.class) class PrespawnXTest extends XTest {}}. After the class, SPAWN is
 * the default again and the spares are gone.
 */
public final class Prespawn implements BeforeAllCallback, AfterAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
        Multiprocessing.getContext(StartMethod.PRESPAWN).setSpares(Spares.DEFAULT_COUNT)
                .setSpareIdleTimeout(Spares.DEFAULT_IDLE_TIMEOUT);
        Multiprocessing.setStartMethod(StartMethod.PRESPAWN, true);
        JavaProgram.setProgramOptions(List.of("-D" + Multiprocessing.START_METHOD_PROPERTY + "=" + StartMethod.PRESPAWN));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Multiprocessing.setStartMethod(StartMethod.SPAWN, true);
        JavaProgram.setProgramOptions(List.of());
        Multiprocessing.getContext(StartMethod.PRESPAWN).setSpares(0);
        Multiprocessing.getContext(StartMethod.PRESPAWN).setSpares(Spares.DEFAULT_COUNT);
    }

    /** The pids of the spare JVMs that this JVM keeps waiting now: its children that are spares and run no task. */
    public static List<Long> waitingSpares() {
        List<Long> running = Multiprocessing.activeChildren().stream().map(p -> p.pid().orElse(-1)).toList();
        return ProcessHandle.current().children()
                .filter(child -> child.info().arguments().map(args -> List.of(args).contains("--spare")).orElse(false))
                .map(ProcessHandle::pid)
                .filter(pid -> !running.contains(pid))
                .toList();
    }
}
