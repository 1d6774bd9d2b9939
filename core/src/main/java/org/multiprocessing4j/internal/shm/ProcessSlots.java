package org.multiprocessing4j.internal.shm;

import java.lang.foreign.MemorySegment;

/**
 * A table of processes in shared memory: slots of (long pid, long start time), 0 pid meaning
 * free. A process is its pid and its start time together, never its pid alone, which outlives it
 * for the next process to be given it. A process registers itself once (a segment's user: once
 * per mapping), in a free slot or in the slot of a dead process; the table tells whether any
 * registered process is still alive. Segments use one for their users, message rings for the
 * holders of their sending end.
 *
 * <p>A slot is claimed by a CAS on its pid and completed by a volatile store of the start time; a
 * reader that sees a pid with start time 0 counts it alive while a process of that pid runs, since
 * it is being registered. Not for ever: a process killed between the two stores would otherwise
 * keep its segment from being deleted (a pid reused meanwhile keeps it only while that process runs).
 */
final class ProcessSlots {
    static final int SLOT_SIZE = 2 * Long.BYTES;
    private static final int START_TIME = Long.BYTES;

    private ProcessSlots() {}

    /**
     * Registers this process in the {@code count} slots at {@code offset}, unless it is there.
     *
     * @return false if every slot is held by a live process
     */
    static boolean register(MemorySegment memory, long offset, int count) {
        return register(memory, offset, count, Liveness.selfPid(), Liveness.selfStartTime());
    }

    /**
     * Registers this process for one mapping of its own, in a slot of its own, without looking
     * for a slot it holds already: a segment's users ({@link SharedSegment}), where each mapping
     * registers once and leaves its one slot once ({@link SegmentLifetime}). So a mapping made while
     * a forgotten one of the same segment is still leaving keeps a slot of its own. A slot never
     * taken is claimed before the slot of a dead process, whose death costs {@code /proc} reads to
     * tell. The table is not read whole first, as {@link #register} reads it: a child attaches its
     * target's handles on its way to the target, still interpreted, and reading the 1,024 slots of a
     * segment's users (four pages, first touched) cost a PRESPAWN child 1.7-2.6 ms there, against
     * 0.1 ms for this.
     *
     * @return false if every slot is held by a live process
     */
    static boolean registerMapping(MemorySegment memory, long offset, int count) {
        long process = Liveness.selfPid();
        long startTime = Liveness.selfStartTime();
        for (int i = 0; i < count; i++) {
            long slot = offset + (long) i * SLOT_SIZE;
            if ((long) Atomics.LONG.getVolatile(memory, slot) == 0
                    && Atomics.LONG.compareAndSet(memory, slot, 0L, process)) {
                Atomics.LONG.setVolatile(memory, slot + START_TIME, startTime);
                return true;
            }
        }
        return claimADeadProcessSlot(memory, offset, count, process, startTime);
    }

    /**
     * Registers this process in the first of the slots at {@code offset} of a table just made, all
     * free, which no other process can see yet: without reading the whole table, as
     * {@link #register} does.
     */
    static void registerInNewTable(MemorySegment memory, long offset) {
        Atomics.LONG.setVolatile(memory, offset, Liveness.selfPid());
        Atomics.LONG.setVolatile(memory, offset + START_TIME, Liveness.selfStartTime());
    }

    /**
     * Registers process {@code pid}, which started at {@code startTime} ({@link Liveness#NOT_RUNNING}
     * if it has already ended), unless it is there: in a slot of that pid and that start time. A slot
     * of that pid and another start time is an ended process's whose pid was reused, which this one
     * may take like any dead process's slot, and must not count as its own: a table that held only
     * that slot would read as all dead while this process runs.
     *
     * @return false if every slot is held by a live process
     */
    static boolean register(MemorySegment memory, long offset, int count, long process, long startTime) {
        for (int i = 0; i < count; i++) {
            if (holds(memory, offset + (long) i * SLOT_SIZE, process, startTime)) {
                return true;
            }
        }
        return claimADeadProcessSlot(memory, offset, count, process, startTime);
    }

    /** Whether the slot at {@code slot} holds the process of that pid and that start time. */
    private static boolean holds(MemorySegment memory, long slot, long process, long startTime) {
        return (long) Atomics.LONG.getVolatile(memory, slot) == process
                && (long) Atomics.LONG.getVolatile(memory, slot + START_TIME) == startTime;
    }

    /** Claims the first slot that is free or held by a dead process; false if there is none. */
    private static boolean claimADeadProcessSlot(MemorySegment memory, long offset, int count, long process,
            long startTime) {
        for (int i = 0; i < count; i++) {
            long slot = offset + (long) i * SLOT_SIZE;
            long pid = (long) Atomics.LONG.getVolatile(memory, slot);
            if (isFree(memory, slot, pid) && Atomics.LONG.compareAndSet(memory, slot, pid, process)) {
                Atomics.LONG.setVolatile(memory, slot + START_TIME, startTime);
                return true;
            }
        }
        return false;
    }

    /**
     * Removes this process from the {@code count} slots at {@code offset}, if it is there: from one
     * slot of its pid and its start time, not from an ended process's slot of the same pid. The start
     * time goes first, so that a reader never pairs this pid's slot with a later claimer's pid.
     */
    static void unregister(MemorySegment memory, long offset, int count) {
        long process = Liveness.selfPid();
        long startTime = Liveness.selfStartTime();
        for (int i = 0; i < count; i++) {
            long slot = offset + (long) i * SLOT_SIZE;
            if (holds(memory, slot, process, startTime)) {
                Atomics.LONG.setVolatile(memory, slot + START_TIME, 0L);
                Atomics.LONG.compareAndSet(memory, slot, process, 0L);
                return;
            }
        }
    }

    /** True if a process not yet registered could register now: a slot is free or held by a dead process. */
    static boolean hasRoom(MemorySegment memory, long offset, int count) {
        for (int i = 0; i < count; i++) {
            long slot = offset + (long) i * SLOT_SIZE;
            if (isFree(memory, slot, (long) Atomics.LONG.getVolatile(memory, slot))) {
                return true;
            }
        }
        return false;
    }

    /** A slot that holds {@code pid} is free if it was never taken or its process has ended. */
    private static boolean isFree(MemorySegment memory, long slot, long pid) {
        if (pid == 0) {
            return true;
        }
        return !alive(pid, (long) Atomics.LONG.getVolatile(memory, slot + START_TIME));
    }

    /** Whether the process in a slot runs: one still registering ({@code start} 0) while its pid does. */
    private static boolean alive(long pid, long start) {
        return start == 0 ? Liveness.startTime(pid) != Liveness.NOT_RUNNING : Liveness.isAlive(pid, start);
    }

    /** How the registered processes stand: none ever, some alive, or all dead. */
    enum State { EMPTY, ALIVE, ALL_DEAD }

    static State state(MemorySegment memory, long offset, int count) {
        boolean any = false;
        for (int i = 0; i < count; i++) {
            long slot = offset + (long) i * SLOT_SIZE;
            long pid = (long) Atomics.LONG.getVolatile(memory, slot);
            long start = (long) Atomics.LONG.getVolatile(memory, slot + START_TIME);
            if (pid != 0) {
                any = true;
                if (alive(pid, start)) {
                    return State.ALIVE;
                }
            }
        }
        return any ? State.ALL_DEAD : State.EMPTY;
    }
}
