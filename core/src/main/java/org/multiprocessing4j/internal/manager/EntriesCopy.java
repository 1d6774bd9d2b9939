package org.multiprocessing4j.internal.manager;

import java.io.Serial;
import java.io.Serializable;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A copy of a map's entries, as the server returns a map's {@code entrySet()}: the entries in a
 * list, so that neither the server making it nor the client reading it hashes them. A hash set
 * would hash every value, and a value that is a proxy hashes by a call to its server: one call per
 * nested proxy, and a map that holds a proxy of itself would overflow the stack where a
 * {@code java.util} map that holds itself iterates. Its entries are those of distinct keys, so the
 * list is a set; {@code contains} looks through it, as the views that iterate it never do.
 */
final class EntriesCopy extends AbstractSet<Object> implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    /** {@link Map.Entry} objects, of distinct keys. */
    private final List<Object> entries;

    EntriesCopy(List<Object> entries) {
        this.entries = entries;
    }

    @Override
    public Iterator<Object> iterator() {
        return entries.iterator();
    }

    @Override
    public int size() {
        return entries.size();
    }
}
