package org.multiprocessing4j.internal.shm;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.BooleanSupplier;
import org.multiprocessing4j.internal.sys.Futex;

/**
 * What a spare JVM does while it waits, so that a target holding a handle (a lock, a queue, a
 * value) does not pay it when it comes: it calls each access mode of the {@link Atomics} var
 * handles once, on private memory, with the types the primitives call them with, maps a page of a
 * file as a segment is mapped, and links the futex downcall. A fresh JVM otherwise does all three
 * on the way to such a target, and the AOT cache keeps none of what they generate (the downcall
 * alone makes some thirty classes), so each JVM makes it anew. Measured: a spare's target that
 * only captured a value started 100-150 ms later than an empty one; with this, some 5 ms.
 */
public final class SharedMemoryWarmUp {
    private static final long PAGE = 4096;

    private SharedMemoryWarmUp() {}

    /**
     * Does each step until {@code taskCame} says, before one, that the spare's task has come; a
     * step begun runs to its end (the link, the longest, takes some 50 ms), and what is left is done
     * on the task's way, as in any fresh JVM.
     */
    public static void exercise(BooleanSupplier taskCame) {
        if (taskCame.getAsBoolean()) {
            return;
        }
        callEachAccessMode();
        if (taskCame.getAsBoolean()) {
            return;
        }
        mapAPage();
        if (taskCame.getAsBoolean()) {
            return;
        }
        try {
            Futex.link();
        } catch (UnsupportedOperationException | LinkageError e) {
            // the task's first wait or wake reports it, as in a JVM that was not prepared
        }
    }

    private static void callEachAccessMode() {
        MemorySegment memory = Arena.ofAuto().allocate(Long.BYTES, Long.BYTES);
        long at = 0;
        int word = (int) Atomics.INT.getVolatile(memory, at);
        Atomics.INT.setVolatile(memory, at, word);
        boolean swapped = Atomics.INT.compareAndSet(memory, at, word, word + 1);
        int before = (int) Atomics.INT.getAndAdd(memory, at, 1);
        int last = (int) Atomics.INT.getAndSet(memory, at, before);
        long value = (long) Atomics.LONG.getVolatile(memory, at);
        value += (long) Atomics.LONG.getAcquire(memory, at) + (long) Atomics.LONG.getOpaque(memory, at);
        Atomics.LONG.setVolatile(memory, at, value);
        Atomics.LONG.setRelease(memory, at, value);
        swapped &= Atomics.LONG.compareAndSet(memory, at, value, value + last);
        long added = (long) Atomics.LONG.getAndAdd(memory, at, 1L);
        if (!swapped || added != value + last) {
            throw new AssertionError("private memory changed under a single thread");
        }
    }

    /**
     * Maps, read only, the first page of the JDK's own runtime image, which every JVM has and
     * nobody writes: no file is made for it. A JDK without one (an image of another layout) is
     * left unprepared.
     */
    private static void mapAPage() {
        try (FileChannel runtimeImage = FileChannel.open(Path.of(System.getProperty("java.home"), "lib", "modules"),
                StandardOpenOption.READ)) {
            long length = Math.min(runtimeImage.size(), PAGE);
            if (length > 0) {
                SharedSegment.mapped(runtimeImage, FileChannel.MapMode.READ_ONLY, length);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // nothing to warm up on here: the first segment mapped pays for it
        }
    }
}
