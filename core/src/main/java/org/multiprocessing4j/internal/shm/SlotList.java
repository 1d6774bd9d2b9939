package org.multiprocessing4j.internal.shm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.multiprocessing4j.internal.shm.SharedLayout.ShareableList;

/**
 * The slots of a {@code ShareableList} in a block's bytes ({@link SharedLayout.ShareableList}), with
 * Python's rules for what a slot holds and what fits in it.
 *
 * <p>A slot's storage is fixed when the list is made: 8 bytes for a long, a double, a boolean or
 * null, and for a String or a byte[] {@code 8 * (len / 8 + 1)} bytes, where {@code len} is Python's
 * length (code points, or bytes), so an 8-character String gets 16. Where a String's UTF-8 bytes
 * would not fit that (Python truncates them silently), the slot is made large enough. Any value may
 * later replace any other if its bytes fit the slot; one that does not is refused and the slot keeps
 * its value.
 *
 * <p>As Python's, slots are not locked: a reader sees each long, double and boolean whole, and a
 * String or byte[] whole unless a writer of the same slot runs at the same moment; processes that
 * write one slot together agree on a lock.
 */
public final class SlotList {
    private final MemorySegment body;
    private final String name;
    private final int size;
    /** Where each slot's storage starts, read once and checked against the block's size. */
    private final long[] storage;
    private final int[] capacity;

    private SlotList(MemorySegment body, String name, int size, long[] storage, int[] capacity) {
        this.body = body;
        this.name = name;
        this.size = size;
        this.storage = storage;
        this.capacity = capacity;
    }

    /** The bytes a block needs for a list of {@code items}. */
    public static long bytesFor(List<?> items) {
        long total = ShareableList.storage(items.size());
        for (Object item : items) {
            total += capacityFor(item);
        }
        return total;
    }

    /**
     * Lays out {@code items} in {@code body}, a zeroed block at least {@link #bytesFor} long.
     *
     * @throws IllegalArgumentException naming the item whose type no slot holds
     */
    public static SlotList create(MemorySegment body, String name, List<?> items) {
        int n = items.size();
        body.set(ValueLayout.JAVA_INT, ShareableList.COUNT_OFFSET, n);
        long at = ShareableList.storage(n);
        for (int i = 0; i < n; i++) {
            int slotCapacity = capacityFor(items.get(i));
            body.set(ValueLayout.JAVA_INT, ShareableList.slot(i) + ShareableList.SLOT_CAPACITY, slotCapacity);
            at += slotCapacity;
        }
        body.set(ValueLayout.JAVA_INT, ShareableList.MAGIC_OFFSET, ShareableList.MAGIC);
        SlotList list = attach(body, name);
        for (int i = 0; i < n; i++) {
            list.set(i, items.get(i));
        }
        return list;
    }

    /**
     * The list laid out in {@code body}.
     *
     * @throws IllegalStateException if the bytes are not a list, or its slots do not fit the block
     */
    public static SlotList attach(MemorySegment body, String name) {
        if (body.byteSize() < ShareableList.SLOTS_OFFSET
                || body.get(ValueLayout.JAVA_INT, ShareableList.MAGIC_OFFSET) != ShareableList.MAGIC) {
            throw new IllegalStateException("shared memory '" + name + "' does not hold a ShareableList");
        }
        int n = body.get(ValueLayout.JAVA_INT, ShareableList.COUNT_OFFSET);
        if (n < 0 || ShareableList.storage(n) > body.byteSize()) {
            throw damaged(name, "it says it has " + n + " slots, which its " + body.byteSize() + " bytes cannot hold");
        }
        long[] storage = new long[n];
        int[] capacity = new int[n];
        long at = ShareableList.storage(n);
        for (int i = 0; i < n; i++) {
            int c = body.get(ValueLayout.JAVA_INT, ShareableList.slot(i) + ShareableList.SLOT_CAPACITY);
            if (c < ShareableList.ALIGNMENT || c % ShareableList.ALIGNMENT != 0 || at + c > body.byteSize()) {
                throw damaged(name, "slot " + i + " says it has " + c + " bytes");
            }
            storage[i] = at;
            capacity[i] = c;
            at += c;
        }
        return new SlotList(body, name, n, storage, capacity);
    }

    private static IllegalStateException damaged(String name, String what) {
        return new IllegalStateException("ShareableList '" + name + "' is damaged: " + what);
    }

    /** Python's slot size for {@code item}; see the class comment. */
    static int capacityFor(Object item) {
        int length = switch (item) {
            case String s -> Math.max(s.codePointCount(0, s.length()), utf8Length(s));
            case byte[] b -> b.length;
            case null, default -> {
                typeOf(item); // refuses a type no slot holds
                yield -1;
            }
        };
        if (length < 0) {
            return ShareableList.ALIGNMENT;
        }
        long rounded = (long) ShareableList.ALIGNMENT * (length / ShareableList.ALIGNMENT + 1);
        if (rounded > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a ShareableList slot holds less than 2 GiB; this item has " + length + " bytes");
        }
        return (int) rounded;
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** The type code of a value a slot can hold; Integer, Short and Byte are stored as longs, Float as a double. */
    private static int typeOf(Object value) {
        return switch (value) {
            case null -> ShareableList.TYPE_NONE;
            case Long l -> ShareableList.TYPE_LONG;
            case Integer i -> ShareableList.TYPE_LONG;
            case Short s -> ShareableList.TYPE_LONG;
            case Byte b -> ShareableList.TYPE_LONG;
            case Double d -> ShareableList.TYPE_DOUBLE;
            case Float f -> ShareableList.TYPE_DOUBLE;
            case Boolean b -> ShareableList.TYPE_BOOLEAN;
            case String s -> ShareableList.TYPE_STRING;
            case byte[] b -> ShareableList.TYPE_BYTES;
            default -> throw new IllegalArgumentException("a ShareableList holds Long, Integer, Short, Byte, Double, Float, "
                    + "Boolean, String, byte[] and null, not " + value.getClass().getName());
        };
    }

    public int size() {
        return size;
    }

    public String name() {
        return name;
    }

    /** The value in slot {@code i}: a Long, Double, Boolean, String, byte[] (a copy) or null. */
    public Object get(int i) {
        long tag = (long) Atomics.LONG.getAcquire(body, ShareableList.slot(i) + ShareableList.SLOT_TAG);
        int type = (int) tag;
        int length = (int) (tag >>> Integer.SIZE);
        long at = storage[i];
        return switch (type) {
            case ShareableList.TYPE_LONG -> body.get(ValueLayout.JAVA_LONG, at);
            case ShareableList.TYPE_DOUBLE -> body.get(ValueLayout.JAVA_DOUBLE, at);
            case ShareableList.TYPE_BOOLEAN -> body.get(ValueLayout.JAVA_LONG, at) != 0;
            case ShareableList.TYPE_NONE -> null;
            case ShareableList.TYPE_STRING -> new String(bytes(i, at, length), StandardCharsets.UTF_8);
            case ShareableList.TYPE_BYTES -> bytes(i, at, length);
            default -> throw damaged(name, "slot " + i + " has no type (" + type + ")");
        };
    }

    private byte[] bytes(int i, long at, int length) {
        if (length < 0 || length > capacity[i]) {
            throw damaged(name, "slot " + i + " says it holds " + length + " bytes of its " + capacity[i]);
        }
        return body.asSlice(at, length).toArray(ValueLayout.JAVA_BYTE);
    }

    /**
     * Puts {@code value} in slot {@code i}, replacing whatever type it held, if its bytes fit.
     *
     * @throws IllegalArgumentException if no slot holds its type, or it does not fit the slot's
     *     storage (the slot keeps its value)
     */
    public void set(int i, Object value) {
        int type = typeOf(value);
        long at = storage[i];
        int length = 0;
        switch (value) {
            case null -> body.set(ValueLayout.JAVA_LONG, at, 0L);
            case Boolean b -> body.set(ValueLayout.JAVA_LONG, at, b ? 1L : 0L);
            case Double d -> body.set(ValueLayout.JAVA_DOUBLE, at, d);
            case Float f -> body.set(ValueLayout.JAVA_DOUBLE, at, f.doubleValue());
            case Number number -> body.set(ValueLayout.JAVA_LONG, at, number.longValue());
            case String s -> length = put(i, at, s.getBytes(StandardCharsets.UTF_8), "a String");
            case byte[] b -> length = put(i, at, b, "a byte[]");
            default -> throw new AssertionError(type);
        }
        long tag = ((long) length << Integer.SIZE) | type;
        // Released after the value: a reader that sees the new tag sees the value written before it.
        Atomics.LONG.setRelease(body, ShareableList.slot(i) + ShareableList.SLOT_TAG, tag);
    }

    private int put(int i, long at, byte[] bytes, String what) {
        if (bytes.length > capacity[i]) {
            throw new IllegalArgumentException(what + " of " + bytes.length + " bytes exceeds the " + capacity[i]
                    + " bytes of storage of slot " + i + " of ShareableList '" + name + "'; the slot keeps its value");
        }
        MemorySegment.copy(bytes, 0, body, ValueLayout.JAVA_BYTE, at, bytes.length);
        return bytes.length;
    }

    /** Python's {@code format}: each slot's struct format, in order, as the value it holds now. */
    public String format() {
        StringBuilder format = new StringBuilder();
        for (int i = 0; i < size; i++) {
            int type = (int) body.get(ValueLayout.JAVA_LONG, ShareableList.slot(i) + ShareableList.SLOT_TAG);
            format.append(switch (type) {
                case ShareableList.TYPE_LONG -> "q";
                case ShareableList.TYPE_DOUBLE -> "d";
                case ShareableList.TYPE_BOOLEAN -> "xxxxxxx?";
                case ShareableList.TYPE_NONE -> "xxxxxx?x";
                case ShareableList.TYPE_STRING, ShareableList.TYPE_BYTES -> capacity[i] + "s";
                default -> throw damaged(name, "slot " + i + " has no type (" + type + ")");
            });
        }
        return format.toString();
    }
}
