package org.multiprocessing4j.internal.pool;

import java.lang.foreign.MemorySegment;
import org.multiprocessing4j.internal.shm.Atomics;
import org.multiprocessing4j.internal.shm.SharedLayout;
import org.multiprocessing4j.internal.shm.SharedSegment;

/**
 * A worker's seat in its pool's shared state ({@link SharedLayout.Pool}): which unit and which item
 * of it the worker runs, and since when. Only the worker writes it; the pool reads it when the
 * worker dies (which unit failed, which are still to run) and to find a task that overran.
 *
 * <p>Ordering: the worker writes the start time (only when the pool times items; nothing else
 * reads it), then the item (and, for a new unit, the unit id), each with release semantics; the
 * pool reads unit, item, then start time, each with acquire semantics. So a pool that sees an item
 * sees a start time at least that item's, and a start time it reads is never older than the
 * item's: a stale look errs towards a task that began later, never towards an overrun that did not
 * happen. The item is set to {@link SharedLayout.Pool#IDLE} only after the unit's result is handed
 * to the worker's {@link ResultSender}, which may hold it up to a millisecond before it is in the
 * result ring: a unit whose worker dies in that time is run again (see there).
 */
final class WorkerSeat {
    private final MemorySegment memory;
    private final long base;

    WorkerSeat(SharedSegment segment, long base) {
        this.memory = segment.memory();
        this.base = base;
    }

    /** In the worker: it begins item 0 of unit {@code unit}; {@code now} is 0 when nobody times items. */
    void beginUnit(long unit, long now) {
        beginItem(0, now);
        Atomics.LONG.setRelease(memory, base + SharedLayout.Pool.SEAT_UNIT, unit);
    }

    /** In the worker: it begins item {@code item} of its unit; {@code now} is 0 when nobody times items. */
    void beginItem(int item, long now) {
        if (now != 0) {
            Atomics.LONG.setRelease(memory, base + SharedLayout.Pool.SEAT_STARTED, now);
        }
        Atomics.LONG.setRelease(memory, base + SharedLayout.Pool.SEAT_ITEM, (long) item);
    }

    /** In the worker: the unit's result has been handed to the {@link ResultSender}. */
    void idle() {
        Atomics.LONG.setRelease(memory, base + SharedLayout.Pool.SEAT_ITEM, SharedLayout.Pool.IDLE);
    }

    /**
     * In the pool: the worker must not begin unit {@code unit}, sent to it and cancelled. The id is
     * written before the count that makes the worker look (release), and read after it (acquire).
     */
    void cancel(long unit) {
        long count = (long) Atomics.LONG.getVolatile(memory, base + SharedLayout.Pool.SEAT_CANCELLATIONS);
        Atomics.LONG.setVolatile(memory, cancelledSlot(count), unit);
        Atomics.LONG.setRelease(memory, base + SharedLayout.Pool.SEAT_CANCELLATIONS, count + 1);
    }

    /** In the worker: true if the pool cancelled {@code unit} before the worker began it. */
    boolean cancelled(long unit) {
        long count = (long) Atomics.LONG.getAcquire(memory, base + SharedLayout.Pool.SEAT_CANCELLATIONS);
        for (long i = Math.max(0, count - SharedLayout.Pool.CANCELLED_SLOTS); i < count; i++) {
            if ((long) Atomics.LONG.getVolatile(memory, cancelledSlot(i)) == unit) {
                return true;
            }
        }
        return false;
    }

    private long cancelledSlot(long n) {
        return base + SharedLayout.Pool.SEAT_CANCELLED + (n % SharedLayout.Pool.CANCELLED_SLOTS) * Long.BYTES;
    }

    /** In the pool, before a worker takes the seat. */
    void clear() {
        Atomics.LONG.setVolatile(memory, base + SharedLayout.Pool.SEAT_UNIT, 0L);
        Atomics.LONG.setVolatile(memory, base + SharedLayout.Pool.SEAT_ITEM, SharedLayout.Pool.IDLE);
        Atomics.LONG.setVolatile(memory, base + SharedLayout.Pool.SEAT_STARTED, 0L);
        Atomics.LONG.setVolatile(memory, base + SharedLayout.Pool.SEAT_CANCELLATIONS, 0L);
    }

    /** What the worker runs now, or null if it is between units. */
    Running running() {
        long unit = (long) Atomics.LONG.getAcquire(memory, base + SharedLayout.Pool.SEAT_UNIT);
        long item = (long) Atomics.LONG.getAcquire(memory, base + SharedLayout.Pool.SEAT_ITEM);
        long started = (long) Atomics.LONG.getAcquire(memory, base + SharedLayout.Pool.SEAT_STARTED);
        return item == SharedLayout.Pool.IDLE || unit == 0 ? null : new Running(unit, (int) item, started);
    }

    /** The unit the worker began last, running or done; 0 if none. */
    long lastUnit() {
        return (long) Atomics.LONG.getAcquire(memory, base + SharedLayout.Pool.SEAT_UNIT);
    }

    /** A look at a busy seat: item {@code item} of unit {@code unit}, begun at {@code startedNanos}. */
    record Running(long unit, int item, long startedNanos) {}
}
