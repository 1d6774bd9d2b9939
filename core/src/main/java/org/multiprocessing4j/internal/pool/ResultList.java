package org.multiprocessing4j.internal.pool;

import java.util.AbstractList;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * A map's results as they came back, chunk by chunk, without copying them into one array: numbers
 * that came packed are boxed as they are read. A mutable list, as Python's: the first {@link #set}
 * copies the results into an array of their own.
 */
final class ResultList<R> extends AbstractList<R> implements RandomAccess {
    private final Column[] chunks;
    private final int chunksize;
    private final int size;
    private Object[] copy;

    ResultList(Column[] chunks, int chunksize, int size) {
        this.chunks = chunks;
        this.chunksize = chunksize;
        this.size = size;
    }

    @Override
    @SuppressWarnings("unchecked")
    public R get(int index) {
        Objects.checkIndex(index, size);
        return (R) (copy != null ? copy[index] : chunks[index / chunksize].get(index % chunksize));
    }

    @Override
    public R set(int index, R element) {
        R old = get(index);
        if (copy == null) {
            Object[] all = new Object[size];
            for (int i = 0; i < size; i++) {
                all[i] = get(i);
            }
            copy = all;
        }
        copy[index] = element;
        return old;
    }

    @Override
    public int size() {
        return size;
    }
}
