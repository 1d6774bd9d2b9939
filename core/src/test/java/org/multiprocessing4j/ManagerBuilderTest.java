package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multiprocessing4j.function.SerializableCallable;
import org.multiprocessing4j.internal.launch.Spares;
import org.multiprocessing4j.testing.Prespawn;

/**
 * How a manager's server is started: Python's {@code ctx.Manager()} and {@code BaseManager.start(initializer)},
 * and, beyond Python, the server's JVM options.
 */
@Timeout(120)
class ManagerBuilderTest {
    private static final Duration SPARES_READY = Duration.ofSeconds(30);
    private static final String PROPERTY = "mp4j.test.server";

    @AfterEach
    void sparesAsByDefault() {
        Multiprocessing.getContext(StartMethod.PRESPAWN).setSpares(0).setSpares(Spares.DEFAULT_COUNT)
                .setSpareIdleTimeout(Spares.DEFAULT_IDLE_TIMEOUT);
    }

    /** Reads a system property of the server's JVM: a registered type, made on the server. */
    @SuppressWarnings("unchecked")
    private static String serverProperty(Manager manager, String name) {
        SerializableCallable<Supplier<String>> factory = () -> () -> System.getProperty(name);
        manager.register("property", Supplier.class, factory);
        return ((Supplier<String>) manager.create("property", Supplier.class)).get();
    }

    @Test
    void aPrespawnContextsManagerIsServedByAJvmThatWasAlreadyRunning() throws Exception {
        Context prespawn = Multiprocessing.getContext(StartMethod.PRESPAWN);
        prespawn.setSpares(1);
        List<Long> waiting = await().atMost(SPARES_READY).until(Prespawn::waitingSpares, spares -> spares.size() == 1);
        Instant beforeStart = Instant.now();
        try (Manager manager = prespawn.newManager()) {
            Process server = manager.serverProcess();
            long pid = server.pid().orElseThrow();
            Instant jvmStarted = ProcessHandle.of(pid).flatMap(h -> h.info().startInstant()).orElseThrow();
            assertThat(server.startMethod()).isEqualTo(StartMethod.PRESPAWN);
            assertThat(waiting).contains(pid);
            assertThat(jvmStarted).isBefore(beforeStart);

            Map<String, Integer> d = manager.dict();
            Process child = new Process(() -> d.put("from", 1));
            child.start();
            child.join();
            assertThat(d).containsExactly(Map.entry("from", 1));
        }
    }

    @Test
    void theInitializerRunsInTheServerBeforeItServes() {
        String property = PROPERTY;
        try (Manager manager = Manager.builder()
                .initializer(() -> System.setProperty(property, "initialized in " + ProcessHandle.current().pid()))
                .start()) {
            long serverPid = manager.serverProcess().pid().orElseThrow();
            assertThat(serverProperty(manager, property)).isEqualTo("initialized in " + serverPid);
        }
    }

    @Test
    void anInitializerThatThrowsFailsTheStartWithItsExceptionAndLeavesNoServer() {
        assertThatThrownBy(() -> Manager.builder()
                        .initializer(() -> {
                            throw new IllegalStateException("no configuration found");
                        })
                        .start())
                .isInstanceOf(ManagerException.class)
                .hasMessageContaining("initializer")
                .hasRootCauseMessage("no configuration found");
        await().atMost(Duration.ofSeconds(5)).until(() -> Multiprocessing.activeChildren().stream()
                .noneMatch(p -> p.name().equals("SyncManager")));
    }

    @Test
    void anInitializerThatCannotBeSerializedIsNamedAndNoServerStarts() {
        Object notSerializable = new Object();
        assertThatThrownBy(() -> Manager.builder().initializer(() -> notSerializable.hashCode()).start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.Object");
        assertThat(Multiprocessing.activeChildren()).noneMatch(p -> p.name().equals("SyncManager"));
    }

    @Test
    void theServersJvmGetsTheOptionsGiven() {
        try (Manager manager = Manager.builder().jvmOptions(List.of("-D" + PROPERTY + "=from the options")).start()) {
            assertThat(serverProperty(manager, PROPERTY)).isEqualTo("from the options");
        }
    }

    @Test
    void aSpawnedServerCompilesWithC1AloneUnlessItsOptionsAskForC2() {
        try (Manager manager = Manager.start()) {
            assertThat(serverCompilerThreads(manager)).contains("C1 CompilerThre").doesNotContain("C2 CompilerThre");
        }
        try (Manager manager = Manager.builder().jvmOptions(List.of("-XX:TieredStopAtLevel=4")).start()) {
            assertThat(serverCompilerThreads(manager)).contains("C1 CompilerThre", "C2 CompilerThre");
        }
    }

    @Test
    void onlyASpawnedServerGetsTheDefaultOptionsForAPrespawnedOneIsAlreadyRunning() {
        List<String> given = List.of("-Xmx64m");
        assertThat(Manager.serverOptions(Multiprocessing.getContext(StartMethod.SPAWN), given))
                .containsExactly("-XX:TieredStopAtLevel=1", "-Xmx64m");
        assertThat(Manager.serverOptions(Multiprocessing.getContext(StartMethod.PRESPAWN), given)).isEqualTo(given);
    }

    /** The names of the server JVM's compiler threads, as Linux shows them (15 characters). */
    @SuppressWarnings("unchecked")
    private static String serverCompilerThreads(Manager manager) {
        SerializableCallable<Supplier<String>> factory = () -> () -> {
            StringBuilder names = new StringBuilder();
            try (java.nio.file.DirectoryStream<java.nio.file.Path> tasks =
                    java.nio.file.Files.newDirectoryStream(java.nio.file.Path.of("/proc/self/task"))) {
                for (java.nio.file.Path task : tasks) {
                    names.append(java.nio.file.Files.readString(task.resolve("comm")).trim()).append(';');
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return names.toString();
        };
        manager.register("threads", Supplier.class, factory);
        return ((Supplier<String>) manager.create("threads", Supplier.class)).get();
    }

    @Test
    void aServingManagerTakesTheSameSettings() throws Exception {
        byte[] key = "secret".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String property = PROPERTY;
        try (Manager manager = Manager.builder()
                .initializer(() -> System.setProperty(property, "initialized"))
                .serve(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), key);
                Manager remote = Manager.connect(manager.address(), key)) {
            assertThat(serverProperty(remote, PROPERTY)).isEqualTo("initialized");
        }
    }
}
