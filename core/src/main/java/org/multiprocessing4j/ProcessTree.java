package org.multiprocessing4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.multiprocessing4j.internal.wire.Codec;

/**
 * Where this JVM stands in the tree of processes: the object for itself, for its parent (in a
 * child), the counter that names new children, and the children it has started and not yet seen
 * end. Python keeps the same in {@code process._current_process}, {@code _parent_process},
 * {@code _process_counter} and {@code _children}.
 */
final class ProcessTree {
    private static volatile Process current = Process.mainProcess();
    private static volatile Process parent;
    private static final AtomicInteger childCounter = new AtomicInteger();
    private static final Set<Process> children = ConcurrentHashMap.newKeySet();

    private static volatile Serializer serializer;

    private ProcessTree() {}

    static Serializer serializer() {
        return serializer;
    }

    static void setSerializer(Serializer chosen) {
        serializer = chosen;
        Codec.setSerializer(chosen == null ? null : new Codec.ObjectSerializer() {
            @Override
            public byte[] serialize(Object value) {
                return chosen.serialize(value);
            }

            @Override
            public Object deserialize(byte[] bytes) throws java.io.IOException {
                return chosen.deserialize(bytes);
            }
        });
    }

    static Process current() {
        return current;
    }

    static Optional<Process> parent() {
        return Optional.ofNullable(parent);
    }

    /** The identity of the next child: this process's identity plus the next count, from 1. */
    static int[] nextChildIdentity() {
        int[] mine = current.identity();
        int[] child = Arrays.copyOf(mine, mine.length + 1);
        child[mine.length] = childCounter.incrementAndGet();
        return child;
    }

    /** Called once in a child, before its task runs. */
    static void becomeChild(Process self, Process parentProcess) {
        current = self;
        parent = parentProcess;
    }

    /**
     * Records a started child; first forgets those that have ended, as Python's {@code start()}
     * does ({@code _cleanup}), so that a program that never joins its children does not keep them,
     * and what their targets hold, for ever.
     */
    static void addChild(Process child) {
        for (Process known : children) { // a loop, not removeIf: a child's first lambda costs its start
            if (!known.running()) {
                children.remove(known);
            }
        }
        children.add(child);
        ProcessExit.installOnce(parent == null);
    }

    static void removeChild(Process child) {
        children.remove(child);
    }

    /** The live children, forgetting those that have ended, as Python's {@code active_children}. */
    static List<Process> activeChildren() {
        List<Process> alive = new ArrayList<>(children.size());
        for (Process child : children) {
            if (child.running()) {
                alive.add(child);
            } else {
                children.remove(child);
            }
        }
        return alive;
    }
}
