package org.multiprocessing4j.internal.launch;

import java.io.IOException;
import java.util.List;
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
     * does, on the {@link AotCoverage#LIBRARY library's} cache as a spare's: a spare started now would
     * first decode and prepare its warm-up, and begin warming up beside the task, on the task's way
     * (DESIGN.md, "PRESPAWN").
     *
     * @param trainingPayload the training task of the library's AOT cache
     * @param warmUpPayload a task that a new spare decodes and prepares while it waits
     *     ({@link ChildTask#prepare})
     */
    public static SpawnPopen start(byte[] launchPayload, Class<?> application, List<String> jvmOptions,
            Supplier<byte[]> trainingPayload, Supplier<byte[]> warmUpPayload) throws IOException {
        SpawnPopen spare = Spares.take(ClassPath.forChild(application), jvmOptions, trainingPayload, warmUpPayload);
        if (spare == null) {
            return SpawnPopen.start(launchPayload, application, jvmOptions, AotCoverage.LIBRARY, trainingPayload);
        }
        spare.handOver(launchPayload);
        return spare;
    }
}
