package org.multiprocessing4j.cluster.internal;

import java.io.IOException;
import java.io.NotSerializableException;
import java.io.Serial;
import java.io.Serializable;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Consecutive items of a call and what to do with each: the unit a node runs in one of its workers.
 *
 * @param function what to do with each item
 * @param items the items (a starmap's pairs as serializable entries)
 */
public record Chunk(ItemFunction function, List<Object> items) implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * The chunk of {@code items}, whose first is item {@code first} of the call's input, as bytes.
     *
     * @param function what to do with each item
     * @param items the items
     * @param first the index of the first in the input, to name an item that cannot be serialized
     * @return the chunk's bytes
     * @throws IllegalArgumentException naming the function's class, or the item and its class, that
     *     cannot be serialized
     */
    public static byte[] encode(ItemFunction function, List<?> items, long first) {
        List<Object> copied = new ArrayList<>(items.size());
        for (Object item : items) {
            copied.add(item instanceof Map.Entry<?, ?> pair && function instanceof ItemFunction.Pairs
                    ? new AbstractMap.SimpleImmutableEntry<>(pair.getKey(), pair.getValue()) : item);
        }
        try {
            return Payloads.write(new Chunk(function, copied));
        } catch (IOException whole) {
            throw culprit(function, copied, first, whole);
        }
    }

    /** Which part of a chunk could not be serialized, found by trying each. */
    private static IllegalArgumentException culprit(ItemFunction function, List<Object> items, long first,
            IOException whole) {
        try {
            Payloads.write(function);
        } catch (IOException e) {
            return new IllegalArgumentException("the function of a cluster pool's call cannot be serialized: "
                    + describe(e), e);
        }
        for (int i = 0; i < items.size(); i++) {
            try {
                Payloads.write(items.get(i));
            } catch (IOException e) {
                Object item = items.get(i);
                return new IllegalArgumentException("item " + (first + i) + " (a "
                        + (item == null ? "null" : item.getClass().getName()) + ") cannot be serialized: "
                        + describe(e), e);
            }
        }
        return new IllegalArgumentException("a chunk cannot be serialized: " + describe(whole), whole);
    }

    private static String describe(IOException e) {
        return e instanceof NotSerializableException ? e.getMessage() + " is not Serializable" : e.toString();
    }
}
