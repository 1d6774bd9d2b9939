package org.multiprocessing4j.internal.manager;

import java.io.Serial;
import java.util.HashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Collectors;
import org.multiprocessing4j.ManagedValue;
import org.multiprocessing4j.Namespace;

/**
 * The objects a manager's server holds for its built-in types. Every call on them runs under the
 * object's monitor ({@link ManagerServer}), so a map's {@code putIfAbsent}, {@code compute} and
 * {@code merge} are atomic for all the processes that share it.
 */
final class ServedObjects {
    private ServedObjects() {}

    /** Python's dict: a HashMap (null keys and values allowed, as None is) that is a ConcurrentMap. */
    static final class Dict<K, V> extends HashMap<K, V> implements ConcurrentMap<K, V> {
        @Serial
        private static final long serialVersionUID = 1L;

        Dict(Map<? extends K, ? extends V> initial) {
            super(initial);
        }
    }

    /** Python's Namespace. */
    static final class NamespaceObject implements Namespace {
        private final Map<String, Object> values = new java.util.LinkedHashMap<>();

        @Override
        public Object get(String name) {
            if (!values.containsKey(name)) {
                throw new NoSuchElementException("the namespace has no attribute '" + name + "'");
            }
            return values.get(name);
        }

        @Override
        public Object set(String name, Object value) {
            return values.put(name, value);
        }

        @Override
        public void delete(String name) {
            get(name);
            values.remove(name);
        }

        @Override
        public boolean has(String name) {
            return values.containsKey(name);
        }

        /** Python's {@code Namespace(name='Bob', age=3)}. */
        @Override
        public String toString() {
            return values.entrySet().stream()
                    .map(e -> e.getKey() + "=" + (e.getValue() instanceof String s ? "'" + s + "'" : String.valueOf(e.getValue())))
                    .collect(Collectors.joining(", ", "Namespace(", ")"));
        }
    }

    /** Python's Value. */
    static final class ValueObject<T> implements ManagedValue<T> {
        private T value;

        ValueObject(T value) {
            this.value = value;
        }

        @Override
        public T get() {
            return value;
        }

        @Override
        public void set(T value) {
            this.value = value;
        }

        @Override
        public String toString() {
            return "Value(" + value + ")";
        }
    }
}
