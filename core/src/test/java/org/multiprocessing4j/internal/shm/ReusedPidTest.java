package org.multiprocessing4j.internal.shm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A dead owner whose pid now belongs to another process is still seen dead: owners are a pid and a
 * start time. Pids wrap (at 32768 here), so a holder's pid may be running again, as someone else,
 * by the time a waiter looks. The test stands a live process in for the pid's new owner and writes
 * the dead owner's state as it would have been left.
 */
@Timeout(30)
class ReusedPidTest {
    private java.lang.Process stranger;
    private long strangerPid;
    private long strangerStart;

    @BeforeEach
    void startAProcessThatHasTheDeadOwnersPid() throws Exception {
        stranger = new ProcessBuilder("sleep", "60").start();
        strangerPid = stranger.pid();
        strangerStart = Liveness.startTime(strangerPid);
        assertThat(strangerStart).isNotEqualTo(Liveness.NOT_RUNNING);
    }

    @AfterEach
    void stopIt() {
        stranger.destroyForcibly();
    }

    private SharedSegment segment;
    private static final long BASE = SharedLayout.Header.SIZE;

    /** A mutex whose word names {@code pid}, with {@code stamp} beside it, as an owner left it. */
    private RobustMutex mutexHeldBy(long pid, long stamp) {
        segment = SharedSegment.create(SharedLayout.Header.KIND_LOCK, SharedLayout.Mutex.SIZE);
        Atomics.INT.setVolatile(segment.memory(), BASE + SharedLayout.Mutex.STATE, (int) pid);
        stamp(stamp);
        return new RobustMutex(segment, BASE);
    }

    private void stamp(long stamp) {
        Atomics.LONG.setVolatile(segment.memory(), BASE + SharedLayout.Mutex.OWNER_STAMP, stamp);
    }

    @Test
    void aMutexWhoseOwnersPidRunsAsAnotherProcessIsTakenOver() throws Exception {
        RobustMutex mutex = mutexHeldBy(strangerPid, RobustMutex.stamp(strangerPid, strangerStart - 1));
        assertThat(mutex.acquire(Deadline.after(Duration.ofSeconds(5)))).isTrue();
        assertThat(mutex.ownerDied()).isTrue();
        assertThat(mutex.heldByThisProcess()).isTrue();
        mutex.release();
    }

    @Test
    void aMutexWhoseOwnerIsThatLiveProcessItselfIsNotTakenOver() throws Exception {
        RobustMutex mutex = mutexHeldBy(strangerPid, RobustMutex.stamp(strangerPid, strangerStart));
        assertThat(mutex.acquire(Deadline.after(Duration.ofMillis(200)))).isFalse();
        stamp(RobustMutex.stamp(strangerPid + 1, 12345)); // an earlier owner's, of another pid: says nothing
        assertThat(mutex.acquire(Deadline.after(Duration.ofMillis(200)))).isFalse();
    }

    /** A semaphore with no permit left, whose first holder slot says that {@code pid}, started at {@code start}, holds {@code held}. */
    private SharedSemaphore semaphoreHeldBy(long pid, long start, int held) {
        segment = SharedSegment.create(SharedLayout.Header.KIND_SEMAPHORE, SharedLayout.Semaphore.SIZE);
        SharedSemaphore semaphore = new SharedSemaphore(segment, BASE);
        semaphore.initialize(0, SharedLayout.Semaphore.UNBOUNDED);
        holderSlot(pid, start, held);
        return semaphore;
    }

    private void holderSlot(long pid, long start, int held) {
        long slot = BASE + SharedLayout.Semaphore.HOLDER_SLOTS_OFFSET;
        Atomics.LONG.setVolatile(segment.memory(), slot, (pid << Integer.SIZE) | held);
        Atomics.LONG.setVolatile(segment.memory(), slot + SharedLayout.Semaphore.HOLDER_START, start);
    }

    @Test
    void permitsOfASemaphoreHolderWhosePidRunsAsAnotherProcessAreGivenBack() {
        SharedSemaphore semaphore = semaphoreHeldBy(strangerPid, strangerStart - 1, 2);
        assertThat(semaphore.value()).isEqualTo(2);

        holderSlot(strangerPid, strangerStart, 1);
        assertThat(semaphore.value()).as("a live holder keeps its permit").isEqualTo(2);
    }

    // The same, when the pid an ended owner left behind is this process's own.

    private static final long SELF = Liveness.selfPid();
    private static final long EARLIER_START = Liveness.selfStartTime() - 1;

    @Test
    void aMutexLeftHeldByAnEndedProcessWithThisProcesssPidIsTakenOverByThisProcess() throws Exception {
        RobustMutex mutex = mutexHeldBy(SELF, RobustMutex.stamp(SELF, EARLIER_START));
        assertThat(mutex.heldByThisProcess()).isFalse();

        assertThat(mutex.acquire(Deadline.after(Duration.ofSeconds(5)))).isTrue();

        assertThat(mutex.ownerDied()).isTrue();
        mutex.release();
    }

    @Test
    void aMutexThisProcessHoldsIsNotTakenOverByItself() throws Exception {
        RobustMutex mutex = mutexHeldBy(SELF, RobustMutex.stamp(SELF, Liveness.selfStartTime()));
        assertThat(mutex.heldByThisProcess()).isTrue();

        assertThat(mutex.acquire(Deadline.after(Duration.ofMillis(200)))).isFalse();
    }

    @Test
    void permitsOfAnEndedHolderWithThisProcesssPidAreGivenBack() {
        SharedSemaphore semaphore = semaphoreHeldBy(SELF, EARLIER_START, 2);

        assertThat(semaphore.value()).isEqualTo(2);
    }

    @Test
    void anOrderlyExitLeavesTheSlotOfAnEndedProcessWithThisProcesssPidForItsPermitsToComeBack() {
        SharedSemaphore semaphore = semaphoreHeldBy(SELF, EARLIER_START, 2);

        semaphore.forgetHeld(); // what this process's orderly exit does to its own slots

        assertThat(semaphore.value()).isEqualTo(2);
    }

    @Test
    void aWaiterOfAnEndedProcessWithThisProcesssPidCountsForNothing() {
        segment = SharedSegment.create(SharedLayout.Header.KIND_CONDITION, SharedLayout.Condition.SIZE);
        SharedCondition condition = new SharedCondition(segment, BASE);
        long slot = BASE + SharedLayout.Condition.WAITER_SLOTS_OFFSET;
        Atomics.LONG.setVolatile(segment.memory(), slot, (SELF << Integer.SIZE) | 1);
        Atomics.LONG.setVolatile(segment.memory(), slot + SharedLayout.Condition.WAITER_START, EARLIER_START);

        assertThat(condition.waiters()).isZero();
    }
}
