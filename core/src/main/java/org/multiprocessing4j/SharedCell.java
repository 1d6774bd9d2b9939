package org.multiprocessing4j;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import org.multiprocessing4j.internal.shm.SharedHeap;
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

    /**
     * A new cell, with its lock unless {@code raw} (Python's RawValue and RawArray); a raw cell's
     * lock bytes stay unused, so that both kinds share one layout.
     */
    SharedCell(int kind, long bodySize, long dataOffset, long lockOffset, boolean raw) {
        SharedHeap.Chunk chunk = SharedHeap.allocate(kind, bodySize);
        this.segment = chunk.segment();
        this.data = chunk.offset() + dataOffset;
        this.lock = raw ? null : new RLock(segment, chunk.offset() + lockOffset);
        // The lock, not the cell: whoever holds the cell holds its lock, and lock() may outlive the cell.
        chunk.freeWhenUnreachable(raw ? this : lock);
    }

    /** Reads what {@link #writeCell} wrote: the start of every subclass's compact form. */
    SharedCell(DataInputStream in) throws IOException {
        this.segment = SharedSegment.readFrom(in);
        this.data = segment.checkedOffset(in.readLong(), Long.BYTES);
        this.lock = in.readBoolean() ? RLock.readFrom(in) : null;
    }

    /** Writes the segment, the data offset and the lock, for {@link #SharedCell(DataInputStream)}. */
    final void writeCell(DataOutputStream out) throws IOException {
        segment.writeTo(out);
        out.writeLong(data);
        out.writeBoolean(lock != null);
        if (lock != null) {
            lock.writeTo(out);
        }
    }

    @SuppressWarnings("unused") // called by CompactForms
    private boolean writeCompact(DataOutputStream out) throws IOException {
        writeCell(out);
        return true;
    }

    /**
     * The reentrant lock that guards compound updates, Python's {@code get_lock()}:
     * {@code try (var h = v.lock().hold()) {...}}.
     *
     * @return the lock, shared by every process
     * @throws UnsupportedOperationException if this is a raw value or array ({@link RawValue},
     *     {@link RawArray}), which has none, as Python's has no {@code get_lock()}
     */
    public RLock lock() {
        if (lock == null) {
            throw new UnsupportedOperationException(getClass().getSimpleName()
                    + " made by RawValue or RawArray has no lock, as Python's has no get_lock(); make it with Value or Array for one");
        }
        return lock;
    }

    final MemorySegment memory() {
        return segment.memory();
    }

    /** Handles are equal when they refer to the same shared value or array, in whichever process they were made. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SharedCell other && getClass() == other.getClass() && data == other.data && segment.equals(other.segment);
    }

    @Override
    public int hashCode() {
        return 31 * segment.hashCode() + Long.hashCode(data);
    }

}
