package org.multiprocessing4j.internal.manager;

import java.io.Serial;
import java.io.Serializable;
import java.util.AbstractCollection;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The views a map or list proxy hands out, {@code keySet()}, {@code values()}, {@code entrySet()}
 * and {@code subList}, backed by the object on the server as a Map's and a List's views are:
 * removing through one (its own {@code remove}, {@code removeIf}, {@code clear}, its iterator's
 * {@code remove}, an entry's {@code setValue}) changes the object, where a copy would take the change
 * and drop it without a word.
 *
 * <p>A map view's iterator reads the entries once, in one call, when it is made: a snapshot, so
 * iterating one while another process changes the map does not fail as Python's does; its
 * {@code remove} removes the key it last returned. A view's size and membership are calls of the
 * map's own. A sublist reads and writes the list's elements at its offset, one call each, as
 * {@code AbstractList}'s sublist does over its list. Written for another process, a view is a copy
 * of what it shows, as what a proxy's method returns is.
 */
final class ProxyViews {
    private ProxyViews() {}

    /** A map's key set, backed by the map. */
    static <K, V> Set<K> keySet(Map<K, V> map, Supplier<Set<Map.Entry<K, V>>> entries) {
        return new Keys<>(map, entries);
    }

    /** A map's values, backed by the map. */
    static <K, V> Collection<V> values(Map<K, V> map, Supplier<Set<Map.Entry<K, V>>> entries) {
        return new Values<>(map, entries);
    }

    /** A map's entry set, backed by the map. */
    static <K, V> Set<Map.Entry<K, V>> entrySet(Map<K, V> map, Supplier<Set<Map.Entry<K, V>>> entries) {
        return new Entries<>(map, entries);
    }

    /**
     * A list's elements from {@code from} to {@code to}, backed by the list.
     *
     * @throws IndexOutOfBoundsException if the range is not within the list, as {@code List.subList}
     */
    static <E> List<E> subList(List<E> list, int from, int to) {
        Objects.checkFromToIndex(from, to, list.size());
        return new SubList<>(list, from, to - from);
    }

    /** The entries the map has now, and removing through them removes from the map. */
    private abstract static class MapView<K, V, T> extends AbstractCollection<T> implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        final transient Map<K, V> map;
        private final transient Supplier<Set<Map.Entry<K, V>>> entries;

        MapView(Map<K, V> map, Supplier<Set<Map.Entry<K, V>>> entries) {
            this.map = map;
            this.entries = entries;
        }

        /** What the iterator returns for an entry. */
        abstract T of(Map.Entry<K, V> entry);

        @Override
        public Iterator<T> iterator() {
            Iterator<Map.Entry<K, V>> snapshot = new ArrayList<>(entries.get()).iterator();
            return new Iterator<>() {
                private Map.Entry<K, V> last;

                @Override
                public boolean hasNext() {
                    return snapshot.hasNext();
                }

                @Override
                public T next() {
                    last = snapshot.next();
                    return of(last);
                }

                @Override
                public void remove() {
                    if (last == null) {
                        throw new IllegalStateException("next() first");
                    }
                    map.remove(last.getKey());
                    last = null;
                }
            };
        }

        @Override
        public int size() {
            return map.size();
        }

        @Override
        public boolean isEmpty() {
            return map.isEmpty();
        }

        @Override
        public void clear() {
            map.clear();
        }

        /** Another process gets a copy of what the view shows: the map it is backed by is this process's proxy. */
        abstract Object copy();

        @Serial
        Object writeReplace() {
            return copy();
        }
    }

    /** A map view that is a Set, with a Set's equality. */
    private abstract static class SetView<K, V, T> extends MapView<K, V, T> implements Set<T> {
        @Serial
        private static final long serialVersionUID = 1L;

        SetView(Map<K, V> map, Supplier<Set<Map.Entry<K, V>>> entries) {
            super(map, entries);
        }

        @Override
        public boolean equals(Object o) {
            return o == this || o instanceof Set<?> other && other.size() == size() && containsAll(other);
        }

        @Override
        public int hashCode() {
            int hash = 0;
            for (T element : this) {
                hash += Objects.hashCode(element);
            }
            return hash;
        }
    }

    private static final class Keys<K, V> extends SetView<K, V, K> {
        @Serial
        private static final long serialVersionUID = 1L;

        Keys(Map<K, V> map, Supplier<Set<Map.Entry<K, V>>> entries) {
            super(map, entries);
        }

        @Override
        K of(Map.Entry<K, V> entry) {
            return entry.getKey();
        }

        @Override
        public boolean contains(Object key) {
            return map.containsKey(key);
        }

        @Override
        public boolean remove(Object key) {
            if (!map.containsKey(key)) {
                return false;
            }
            map.remove(key);
            return true;
        }

        @Override
        Object copy() {
            return new LinkedHashSet<>(this);
        }
    }

    private static final class Values<K, V> extends MapView<K, V, V> {
        @Serial
        private static final long serialVersionUID = 1L;

        Values(Map<K, V> map, Supplier<Set<Map.Entry<K, V>>> entries) {
            super(map, entries);
        }

        @Override
        V of(Map.Entry<K, V> entry) {
            return entry.getValue();
        }

        @Override
        public boolean contains(Object value) {
            return map.containsValue(value);
        }

        @Override
        Object copy() {
            return new ArrayList<>(this);
        }
    }

    private static final class Entries<K, V> extends SetView<K, V, Map.Entry<K, V>> {
        @Serial
        private static final long serialVersionUID = 1L;

        Entries(Map<K, V> map, Supplier<Set<Map.Entry<K, V>>> entries) {
            super(map, entries);
        }

        @Override
        Map.Entry<K, V> of(Map.Entry<K, V> entry) {
            return new WriteThroughEntry<>(map, entry);
        }

        @Override
        public boolean contains(Object o) {
            return o instanceof Map.Entry<?, ?> entry && map.containsKey(entry.getKey())
                    && Objects.equals(map.get(entry.getKey()), entry.getValue());
        }

        @Override
        public boolean remove(Object o) {
            return o instanceof Map.Entry<?, ?> entry && map.remove(entry.getKey(), entry.getValue());
        }

        @Override
        Object copy() {
            Set<Map.Entry<K, V>> copy = new LinkedHashSet<>();
            for (Map.Entry<K, V> entry : this) {
                copy.add(new AbstractMap.SimpleImmutableEntry<>(entry));
            }
            return copy;
        }
    }

    /**
     * A map view's entry, whose {@code setValue} puts the value in the map, as a ConcurrentHashMap's
     * entry does. Written for another process, it is a plain copy.
     */
    private static final class WriteThroughEntry<K, V> extends AbstractMap.SimpleEntry<K, V> {
        @Serial
        private static final long serialVersionUID = 1L;
        private final transient Map<K, V> map;

        WriteThroughEntry(Map<K, V> map, Map.Entry<K, V> entry) {
            super(entry);
            this.map = map;
        }

        @Override
        public V setValue(V value) {
            map.put(getKey(), value);
            return super.setValue(value);
        }

        @Serial
        private Object writeReplace() {
            return new AbstractMap.SimpleImmutableEntry<>(this);
        }
    }

    /** Elements {@code offset} to {@code offset + size} of a list proxy, read and written there. */
    private static final class SubList<E> extends AbstractList<E> implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        private final transient List<E> list;
        private final int offset;
        private int size;

        SubList(List<E> list, int offset, int size) {
            this.list = list;
            this.offset = offset;
            this.size = size;
        }

        @Override
        public E get(int index) {
            return list.get(offset + Objects.checkIndex(index, size));
        }

        @Override
        public E set(int index, E element) {
            return list.set(offset + Objects.checkIndex(index, size), element);
        }

        @Override
        public void add(int index, E element) {
            list.add(offset + Objects.checkIndex(index, size + 1), element);
            size++;
        }

        @Override
        public E remove(int index) {
            E removed = list.remove(offset + Objects.checkIndex(index, size));
            size--;
            return removed;
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public List<E> subList(int from, int to) {
            Objects.checkFromToIndex(from, to, size);
            return new SubList<>(list, offset + from, to - from);
        }

        @Serial
        Object writeReplace() {
            return new ArrayList<>(this);
        }
    }
}
