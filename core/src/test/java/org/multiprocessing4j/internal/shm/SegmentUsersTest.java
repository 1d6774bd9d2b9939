package org.multiprocessing4j.internal.shm;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multiprocessing4j.Process;

/**
 * A segment records every process that uses it, so that it is deleted only once none runs; one
 * process more than it can record is refused loudly rather than left unrecorded.
 */
@Timeout(60)
class SegmentUsersTest {
    @Test
    void aProcessThatWouldBeOneUserTooManyIsRefusedWhenItAttaches() throws Exception {
        SharedSegment segment = SharedSegment.create(SharedLayout.Header.KIND_EVENT, SharedLayout.Event.SIZE);
        SharedEvent event = new SharedEvent(segment, SharedLayout.Header.SIZE);
        long init = 1;
        for (int i = 0; i < SharedLayout.Header.USER_SLOTS; i++) { // every slot but this process's: init, alive
            ProcessSlots.register(segment.memory(), SharedLayout.Header.USER_SLOTS_OFFSET + (long) i * ProcessSlots.SLOT_SIZE,
                    1, init, Liveness.startTime(init));
        }
        try {
            Process child = new Process(event::set);
            child.start();
            child.join();
            assertThat(child.startError()).get().asString().contains("the most it records");
            assertThat(event.isSet()).isFalse();
        } finally {
            for (int i = 0; i < SharedLayout.Header.USER_SLOTS; i++) { // init would keep the file for ever
                long slot = SharedLayout.Header.USER_SLOTS_OFFSET + (long) i * ProcessSlots.SLOT_SIZE;
                if ((long) Atomics.LONG.getVolatile(segment.memory(), slot) == init) {
                    Atomics.LONG.setVolatile(segment.memory(), slot, 0L);
                }
            }
        }
    }

    @Test
    void aProcessKilledWhileItRegisteredDoesNotKeepTheSegmentForEver() throws Exception {
        SharedSegment segment = SharedSegment.create(SharedLayout.Header.KIND_EVENT, SharedLayout.Event.SIZE);
        MemorySegment header = segment.memory();
        Process gone = new Process(() -> { });
        gone.start();
        gone.join();
        long slot = SharedLayout.Header.USER_SLOTS_OFFSET + ProcessSlots.SLOT_SIZE; // the slot after this process's
        ProcessSlots.register(header, slot, 1, gone.pid().orElseThrow(), 0); // its pid claimed, no start time yet
        ProcessSlots.unregister(header, SharedLayout.Header.USER_SLOTS_OFFSET, SharedLayout.Header.USER_SLOTS);
        assertThat(SharedSegment.hasLiveUser(header)).isFalse();
        ProcessSlots.register(header, slot, 1, Liveness.selfPid(), 0); // a live process registering now
        assertThat(SharedSegment.hasLiveUser(header)).isTrue();
        Atomics.LONG.setVolatile(header, slot, 0L);
    }

    /** A table of {@code slots} slots, all never taken. */
    private static MemorySegment table(int slots) {
        return Arena.ofAuto().allocate((long) slots * ProcessSlots.SLOT_SIZE, Long.BYTES);
    }

    private static long pidIn(MemorySegment table, int slot) {
        return (long) Atomics.LONG.getVolatile(table, (long) slot * ProcessSlots.SLOT_SIZE);
    }

    /** The pid of a process that ran and has ended. */
    private static long anEndedProcess() throws Exception {
        java.lang.Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        return ended.pid();
    }

    @Test
    void aMappingTakesASlotNeverTakenBeforeOneThatADeadProcessLeft() throws Exception {
        MemorySegment table = table(3);
        long dead = anEndedProcess();
        ProcessSlots.register(table, 0, 1, dead, 1);

        assertThat(ProcessSlots.registerMapping(table, 0, 3)).isTrue();

        assertThat(pidIn(table, 0)).isEqualTo(dead); // no /proc read was needed to register
        assertThat(pidIn(table, 1)).isEqualTo(Liveness.selfPid());
    }

    @Test
    void aSecondMappingInOneProcessHasASlotOfItsOwnSoThatTheFirstLeavingKeepsTheProcessAUser() {
        MemorySegment table = table(4);
        ProcessSlots.registerMapping(table, 0, 4); // a mapping that is being forgotten
        ProcessSlots.registerMapping(table, 0, 4); // the segment mapped again meanwhile

        ProcessSlots.unregister(table, 0, 4); // the forgotten mapping leaves

        assertThat(ProcessSlots.state(table, 0, 4)).isEqualTo(ProcessSlots.State.ALIVE);
    }

    @Test
    void withNoSlotNeverTakenAMappingTakesTheSlotADeadProcessLeft() throws Exception {
        MemorySegment table = table(2);
        long init = 1;
        ProcessSlots.register(table, 0, 1, anEndedProcess(), 1);
        ProcessSlots.register(table, ProcessSlots.SLOT_SIZE, 1, init, Liveness.startTime(init));

        assertThat(ProcessSlots.registerMapping(table, 0, 2)).isTrue();

        assertThat(pidIn(table, 0)).isEqualTo(Liveness.selfPid());
        assertThat(pidIn(table, 1)).isEqualTo(init);
        assertThat(ProcessSlots.registerMapping(table, 0, 2)).isFalse(); // both held by live processes
    }

    /** A start time no process of this pid has: that of an ended process to which this pid once belonged. */
    private static final long AN_EARLIER_START = 1;

    @Test
    void aSlotOfThisPidWithAnotherStartTimeBelongsToAnEndedProcessNotToThisOne() {
        MemorySegment table = table(2);
        ProcessSlots.register(table, 0, 1, Liveness.selfPid(), AN_EARLIER_START); // this pid, reused

        assertThat(ProcessSlots.register(table, 0, 2)).isTrue();

        assertThat(ProcessSlots.state(table, 0, 2)).isEqualTo(ProcessSlots.State.ALIVE);
    }

    @Test
    void aProcessLeavesItsOwnSlotNotTheOneOfAnEndedProcessWithItsPid() {
        MemorySegment table = table(2);
        ProcessSlots.register(table, 0, 1, Liveness.selfPid(), AN_EARLIER_START);
        ProcessSlots.register(table, ProcessSlots.SLOT_SIZE, 1, Liveness.selfPid(), Liveness.selfStartTime());

        ProcessSlots.unregister(table, 0, 2);

        assertThat(pidIn(table, 0)).isEqualTo(Liveness.selfPid());
        assertThat(pidIn(table, 1)).isZero();
        assertThat(ProcessSlots.state(table, 0, 2)).isEqualTo(ProcessSlots.State.ALL_DEAD);
    }
}
