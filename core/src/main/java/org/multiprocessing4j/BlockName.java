package org.multiprocessing4j;

import java.io.Serial;
import java.io.Serializable;

/**
 * What a {@link SharedMemory} or a {@link ShareableList} is on the wire: its block's name, attached
 * where it is read, as Python pickles both. A class, not a record, as every type of the library that
 * goes by Java serialization (docs/DESIGN.md, "Start-up cost").
 */
final class BlockName implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    /** The block's name. */
    private final String name;
    /** Whether it holds a ShareableList, to be attached as one. */
    private final boolean list;

    BlockName(String name, boolean list) {
        this.name = name;
        this.list = list;
    }

    @Serial
    private Object readResolve() {
        return list ? ShareableList.attach(name) : SharedMemory.attach(name);
    }
}
