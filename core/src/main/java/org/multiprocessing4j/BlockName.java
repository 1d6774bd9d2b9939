package org.multiprocessing4j;

import java.io.Serial;
import java.io.Serializable;

/**
 * What a {@link SharedMemory} or a {@link ShareableList} is on the wire: its block's name, attached
 * where it is read, as Python pickles both.
 *
 * @param name the block's name
 * @param list whether it holds a ShareableList, to be attached as one
 */
record BlockName(String name, boolean list) implements Serializable {
    @Serial
    private Object readResolve() {
        return list ? ShareableList.attach(name) : SharedMemory.attach(name);
    }
}
