package org.multiprocessing4j.internal.launch;

import java.io.IOException;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A child started with PRESPAWN, as CPython's {@code popen_forkserver}: the task is handed to a JVM
 * that is already running and waiting ({@link Spares}), instead of to a new one. Once handed over,
 * the child is a {@link SpawnPopen} like any other: its exit code, signals and start errors are
 * learnt the same way.
 */
public final class PrespawnPopen {
    private PrespawnPopen() {}

    /**
     * Hands the task serialized in {@code launchPayload} to a spare JVM for the class path of
     * {@code application} and {@code jvmOptions}; as {@link SpawnPopen#start}, which gives the
     * meaning of the arguments and what is thrown. If none is waiting, starts the child as SPAWN
     * does, on the cache of the launch's {@code coverage}: a spare started now would first decode and
     * prepare its warm-up, and begin warming up beside the task, on the task's way (DESIGN.md,
     * "PRESPAWN").
     *
     * @param coverage what the cache of a child started without a spare must cover; asked for only then
     * @param trainingPayload the training task of the cache of a coverage: the library's for spares
     * @param warmUpPayload a task that a new spare decodes and prepares while it waits
     *     ({@link ChildTask#prepare})
     */
    public static SpawnPopen start(byte[] launchPayload, boolean holdsRings, Class<?> application,
            List<String> jvmOptions, Supplier<AotCoverage> coverage, Function<AotCoverage, byte[]> trainingPayload,
            Supplier<byte[]> warmUpPayload) throws IOException {
        String classPath = ClassPath.forChild(application);
        SpawnPopen spare = Spares.take(classPath, jvmOptions, () -> trainingPayload.apply(AotCoverage.LIBRARY),
                warmUpPayload);
        if (spare == null) {
            AotCoverage launchCoverage = coverage.get();
            return SpawnPopen.start(launchPayload, holdsRings, classPath, jvmOptions, launchCoverage,
                    () -> trainingPayload.apply(launchCoverage));
        }
        spare.handOver(launchPayload, holdsRings);
        return spare;
    }
}
