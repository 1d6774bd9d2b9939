package org.multiprocessing4j;

import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import org.multiprocessing4j.internal.shm.SharedLayout;
import org.multiprocessing4j.internal.shm.SharedSegment;

/**
 * What every shared value and array has: its segment, the offset of its data, and the
 * {@link RLock} that guards compound updates, Python's {@code get_lock()}.
 */
abstract class SharedCell implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    final SharedSegment segment;
    final long data;
    private final RLock lock;

    SharedCell(int kind, long bodySize, long dataOffset, long lockOffset) {
        this.segment = SharedSegment.create(kind, bodySize);
        this.data = SharedLayout.Header.SIZE + dataOffset;
        this.lock = new RLock(segment, SharedLayout.Header.SIZE + lockOffset);
    }

    /** The reentrant lock that guards compound updates: {@code try (var h = v.lock().hold()) {...}}. */
    public RLock lock() {
        return lock;
    }

    final MemorySegment memory() {
        return segment.memory();
    }
}
