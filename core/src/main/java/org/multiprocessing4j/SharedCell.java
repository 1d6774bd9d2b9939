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

    SharedCell(int kind, long bodySize, long dataOffset, long lockOffset) {
        SharedHeap.Chunk chunk = SharedHeap.allocate(kind, bodySize);
        this.segment = chunk.segment();
        this.data = chunk.offset() + dataOffset;
        this.lock = new RLock(segment, chunk.offset() + lockOffset);
        // The lock, not the cell: whoever holds the cell holds its lock, and lock() may outlive the cell.
        chunk.freeWhenUnreachable(lock);
    }

    /** Reads what {@link #writeCell} wrote: the start of every subclass's compact form. */
    SharedCell(DataInputStream in) throws IOException {
        this.segment = SharedSegment.readFrom(in);
        this.data = segment.checkedOffset(in.readLong(), Long.BYTES);
        this.lock = RLock.readFrom(in);
    }

    /** Writes the segment, the data offset and the lock, for {@link #SharedCell(DataInputStream)}. */
    final void writeCell(DataOutputStream out) throws IOException {
        segment.writeTo(out);
        out.writeLong(data);
        lock.writeTo(out);
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
     */
    public RLock lock() {
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
