package org.multiprocessing4j;

import java.io.Serial;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.stream.Collectors;
import org.multiprocessing4j.internal.shm.SlotList;

/**
 * A fixed-length list in a {@link SharedMemory} block, Python's
 * {@code multiprocessing.shared_memory.ShareableList}: any process that attaches it by name, or is
 * given this handle, reads and writes the same slots.
 *
 * <p>A slot holds a {@code Long}, {@code Double}, {@code Boolean}, {@code String}, {@code byte[]} or
 * {@code null}; an {@code Integer}, {@code Short} or {@code Byte} is stored as a {@code Long}, a
 * {@code Float} as a {@code Double}, and {@link #get} returns the stored type. A {@code byte[]} is
 * copied in and out.
 *
 * <p><b>What fits.</b> As in Python, each slot's storage is fixed when the list is made: 8 bytes for
 * a number, a boolean or null; for a String or byte[], 8 times (its length / 8 + 1) bytes, its length
 * counted in code points or bytes, so {@code "howdy"} gets 8 and an 8-character String 16 (where a
 * String's UTF-8 bytes need more, it gets enough; Python truncates them). {@link #set} may put a
 * value of any type in any slot if its bytes fit, and otherwise throws
 * {@link IllegalArgumentException} and keeps the old value. Unlike Python's, a String ending in NUL
 * characters reads back whole.
 *
 * <p>The list is fixed-length: {@code add} and {@code remove} throw
 * {@link UnsupportedOperationException}. Slots are not locked, as in Python: a number or a boolean is
 * read and written whole, and processes that write one String or byte[] slot at once guard it with a
 * {@link Lock}. Its lifetime is its block's: see {@link SharedMemory}.
 */
public final class ShareableList extends AbstractList<Object> implements RandomAccess, AutoCloseable, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient SharedMemory shm;
    private final transient SlotList slots;

    private ShareableList(SharedMemory shm, SlotList slots) {
        this.shm = shm;
        this.slots = slots;
    }

    /**
     * A new list holding {@code items}, in a new block under a new name, as Python's
     * {@code ShareableList(sequence)}.
     *
     * @param items its values, in order: each a Long, Integer, Short, Byte, Double, Float, Boolean,
     *     String, byte[] or null
     * @return the list
     * @throws IllegalArgumentException naming the first item of another type
     * @throws UncheckedIOException if {@code /dev/shm} has no room for it
     */
    public static ShareableList create(List<?> items) {
        return create(SharedMemory.create(SlotList.bytesFor(items)), items);
    }

    /**
     * A new list holding {@code items}, in a new block called {@code name}, as Python's
     * {@code ShareableList(sequence, name=name)}.
     *
     * @param name the block's name (see {@link SharedMemory})
     * @param items its values, in order
     * @return the list
     * @throws IllegalArgumentException naming the first item of a type no slot holds, or if the name
     *     cannot be a block's
     * @throws UncheckedIOException with a {@link java.nio.file.FileAlreadyExistsException} cause if
     *     a block has that name
     */
    public static ShareableList create(String name, List<?> items) {
        long bytes = SlotList.bytesFor(items); // checks the items before the name is taken
        return create(SharedMemory.create(name, bytes), items);
    }

    /**
     * A new list holding {@code items}, in a new block under a new name.
     *
     * @param items its values, in order
     * @return the list
     * @throws IllegalArgumentException naming the first item of a type no slot holds
     */
    public static ShareableList of(Object... items) {
        return create(Arrays.asList(items));
    }

    private static ShareableList create(SharedMemory shm, List<?> items) {
        try {
            return new ShareableList(shm, SlotList.create(shm.segment(), shm.name(), items));
        } catch (RuntimeException e) {
            shm.close();
            shm.unlink();
            throw e;
        }
    }

    /**
     * The list in the block called {@code name}, as Python's {@code ShareableList(name=name)}.
     *
     * @param name the block's name
     * @return the list, mapped into this process
     * @throws UncheckedIOException with a {@link java.nio.file.NoSuchFileException} cause if no block
     *     has that name
     * @throws IllegalStateException if the block does not hold a list, or its slots are damaged
     */
    public static ShareableList attach(String name) {
        SharedMemory shm = SharedMemory.attach(name);
        try {
            return new ShareableList(shm, SlotList.attach(shm.segment(), name));
        } catch (RuntimeException e) {
            shm.close();
            throw e;
        }
    }

    /**
     * The value in slot {@code index}.
     *
     * @throws IndexOutOfBoundsException if there is no such slot
     * @throws IllegalStateException if this handle was closed, or the slot is damaged
     */
    @Override
    public Object get(int index) {
        Objects.checkIndex(index, slots.size());
        shm.segment(); // closed: say so, rather than the arena's bare "Already closed"
        return slots.get(index);
    }

    /**
     * Puts {@code value} in slot {@code index}, as Python's {@code sl[index] = value}.
     *
     * @return the value the slot held
     * @throws IndexOutOfBoundsException if there is no such slot
     * @throws IllegalArgumentException if no slot holds the value's type, or its bytes do not fit the
     *     slot's storage; the slot keeps its value
     * @throws IllegalStateException if this handle was closed
     */
    @Override
    public Object set(int index, Object value) {
        Object old = get(index);
        slots.set(index, value);
        return old;
    }

    @Override
    public int size() {
        return slots.size();
    }

    /** The first slot holding {@code o}, byte[]s compared by content; -1 if none does. */
    @Override
    public int indexOf(Object o) {
        for (int i = 0; i < size(); i++) {
            if (same(get(i), o)) {
                return i;
            }
        }
        return -1;
    }

    /** The last slot holding {@code o}, byte[]s compared by content; -1 if none does. */
    @Override
    public int lastIndexOf(Object o) {
        for (int i = size() - 1; i >= 0; i--) {
            if (same(get(i), o)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * How many slots hold {@code value}, byte[]s compared by content: Python's {@code count}.
     *
     * @param value the value to count
     * @return the count
     */
    public int count(Object value) {
        int count = 0;
        for (int i = 0; i < size(); i++) {
            count += same(get(i), value) ? 1 : 0;
        }
        return count;
    }

    private static boolean same(Object a, Object b) {
        return a instanceof byte[] x && b instanceof byte[] y ? Arrays.equals(x, y) : Objects.equals(a, b);
    }

    /**
     * Python's {@code format}: each slot's struct format as it holds now, such as
     * {@code "8s8sdqxxxxxx?xxxxxxxx?q"} for {@code "howdy", b"HoWdY", -273.154, 100, null, true, 42}.
     *
     * @return the format
     */
    public String format() {
        return slots.format();
    }

    /**
     * The block the list lives in, Python's {@code shm}.
     *
     * @return the block
     */
    public SharedMemory shm() {
        return shm;
    }

    /**
     * The block's name, which {@link #attach} takes.
     *
     * @return the name
     */
    public String name() {
        return shm.name();
    }

    /** Unmaps the list in this process: {@link SharedMemory#close()}. */
    @Override
    public void close() {
        shm.close();
    }

    /** Removes the list's name: {@link SharedMemory#unlink()}. */
    public void unlink() {
        shm.unlink();
    }

    /** As Python's repr: {@code ShareableList([howdy, 100, null], name='psm_1a2b3c4d')}, byte[]s as their contents. */
    @Override
    public String toString() {
        return stream().map(v -> v instanceof byte[] b ? Arrays.toString(b) : String.valueOf(v))
                .collect(Collectors.joining(", ", "ShareableList([", "], name='" + name() + "')"));
    }

    /**
     * Written as its block's name, and attached where it is read.
     *
     * @return the name written in its place
     */
    @Serial
    private Object writeReplace() {
        return new BlockName(name(), true);
    }
}
