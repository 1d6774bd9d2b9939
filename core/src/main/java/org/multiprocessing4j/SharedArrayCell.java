package org.multiprocessing4j;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serial;
import java.io.StreamCorruptedException;
import java.util.Objects;
import org.multiprocessing4j.internal.shm.SharedLayout;

/** What every shared array adds to its cell: a length, fixed at creation, and the bounds-checked offset of each element. */
abstract class SharedArrayCell extends SharedCell {
    @Serial
    private static final long serialVersionUID = 1L;

    private final int length;
    private final int elementSize;

    SharedArrayCell(int length, int elementSize, boolean raw) {
        super(SharedLayout.Header.KIND_ARRAY, SharedLayout.Array.ELEMENTS + (long) length * elementSize,
                SharedLayout.Array.ELEMENTS, SharedLayout.Array.LOCK, raw);
        this.length = length;
        this.elementSize = elementSize;
    }

    /** Reads what {@link #writeCompact} wrote: the whole compact form of every array. */
    SharedArrayCell(DataInputStream in) throws IOException {
        super(in);
        this.length = in.readInt();
        this.elementSize = in.readInt();
        if (length < 0 || (elementSize != Integer.BYTES && elementSize != Long.BYTES)) {
            throw new StreamCorruptedException("an array handle names " + length + " elements of " + elementSize + " bytes");
        }
        segment.checkedOffset(data, (long) length * elementSize);
    }

    @SuppressWarnings("unused") // called by CompactForms
    private boolean writeCompact(DataOutputStream out) throws IOException {
        writeCell(out);
        out.writeInt(length);
        out.writeInt(elementSize);
        return true;
    }

    /**
     * The number of elements.
     *
     * @return the length
     */
    public int length() {
        return length;
    }

    /** Where element {@code i} is; throws IndexOutOfBoundsException outside 0..length-1. */
    final long offset(int i) {
        return data + (long) Objects.checkIndex(i, length) * elementSize;
    }
}
