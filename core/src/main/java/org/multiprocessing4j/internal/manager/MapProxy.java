package org.multiprocessing4j.internal.manager;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.Serial;
import java.lang.reflect.Method;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/** A proxy of a manager's dict: see {@link BuiltInProxy}. */
@SuppressWarnings("unchecked")
final class MapProxy extends BuiltInProxy implements ConcurrentMap<Object, Object> {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final Method SIZE = method(ConcurrentMap.class, "size");
    private static final Method IS_EMPTY = method(ConcurrentMap.class, "isEmpty");
    private static final Method CONTAINS_KEY = method(ConcurrentMap.class, "containsKey", Object.class);
    private static final Method CONTAINS_VALUE = method(ConcurrentMap.class, "containsValue", Object.class);
    private static final Method GET = method(ConcurrentMap.class, "get", Object.class);
    private static final Method PUT = method(ConcurrentMap.class, "put", Object.class, Object.class);
    private static final Method REMOVE = method(ConcurrentMap.class, "remove", Object.class);
    private static final Method PUT_ALL = method(ConcurrentMap.class, "putAll", Map.class);
    private static final Method CLEAR = method(ConcurrentMap.class, "clear");
    private static final Method KEY_SET = method(ConcurrentMap.class, "keySet");
    private static final Method VALUES = method(ConcurrentMap.class, "values");
    private static final Method ENTRY_SET = method(ConcurrentMap.class, "entrySet");
    private static final Method PUT_IF_ABSENT = method(ConcurrentMap.class, "putIfAbsent", Object.class, Object.class);
    private static final Method REMOVE_MAPPING = method(ConcurrentMap.class, "remove", Object.class, Object.class);
    private static final Method REPLACE_MAPPING =
            method(ConcurrentMap.class, "replace", Object.class, Object.class, Object.class);
    private static final Method REPLACE = method(ConcurrentMap.class, "replace", Object.class, Object.class);
    private static final Method GET_OR_DEFAULT = method(ConcurrentMap.class, "getOrDefault", Object.class, Object.class);
    private static final Method REPLACE_ALL = method(ConcurrentMap.class, "replaceAll", BiFunction.class);
    private static final Method COMPUTE_IF_ABSENT =
            method(ConcurrentMap.class, "computeIfAbsent", Object.class, Function.class);
    private static final Method COMPUTE_IF_PRESENT =
            method(ConcurrentMap.class, "computeIfPresent", Object.class, BiFunction.class);
    private static final Method COMPUTE = method(ConcurrentMap.class, "compute", Object.class, BiFunction.class);
    private static final Method MERGE = method(ConcurrentMap.class, "merge", Object.class, Object.class, BiFunction.class);

    MapProxy(ProxyHandler handler) {
        super(handler);
    }

    @SuppressWarnings("unused") // called by CompactForms
    private MapProxy(DataInputStream in) throws IOException {
        super(new ProxyHandler(in, ConcurrentMap.class));
    }

    @Override
    public int size() {
        return (Integer) call(SIZE);
    }

    @Override
    public boolean isEmpty() {
        return (Boolean) call(IS_EMPTY);
    }

    @Override
    public boolean containsKey(Object key) {
        return (Boolean) call(CONTAINS_KEY, key);
    }

    @Override
    public boolean containsValue(Object value) {
        return (Boolean) call(CONTAINS_VALUE, value);
    }

    @Override
    public Object get(Object key) {
        return call(GET, key);
    }

    @Override
    public Object put(Object key, Object value) {
        return call(PUT, key, value);
    }

    @Override
    public Object remove(Object key) {
        return call(REMOVE, key);
    }

    @Override
    public void putAll(Map<?, ?> entries) {
        call(PUT_ALL, entries);
    }

    @Override
    public void clear() {
        call(CLEAR);
    }

    @Override
    public Set<Object> keySet() {
        return (Set<Object>) call(KEY_SET);
    }

    @Override
    public Collection<Object> values() {
        return (Collection<Object>) call(VALUES);
    }

    @Override
    public Set<Entry<Object, Object>> entrySet() {
        return (Set<Entry<Object, Object>>) call(ENTRY_SET);
    }

    @Override
    public Object putIfAbsent(Object key, Object value) {
        return call(PUT_IF_ABSENT, key, value);
    }

    @Override
    public boolean remove(Object key, Object value) {
        return (Boolean) call(REMOVE_MAPPING, key, value);
    }

    @Override
    public boolean replace(Object key, Object oldValue, Object newValue) {
        return (Boolean) call(REPLACE_MAPPING, key, oldValue, newValue);
    }

    @Override
    public Object replace(Object key, Object value) {
        return call(REPLACE, key, value);
    }

    @Override
    public Object getOrDefault(Object key, Object defaultValue) {
        return call(GET_OR_DEFAULT, key, defaultValue);
    }

    @Override
    public void replaceAll(BiFunction<? super Object, ? super Object, ?> function) {
        call(REPLACE_ALL, function);
    }

    @Override
    public Object computeIfAbsent(Object key, Function<? super Object, ?> mapping) {
        return call(COMPUTE_IF_ABSENT, key, mapping);
    }

    @Override
    public Object computeIfPresent(Object key, BiFunction<? super Object, ? super Object, ?> remapping) {
        return call(COMPUTE_IF_PRESENT, key, remapping);
    }

    @Override
    public Object compute(Object key, BiFunction<? super Object, ? super Object, ?> remapping) {
        return call(COMPUTE, key, remapping);
    }

    @Override
    public Object merge(Object key, Object value, BiFunction<? super Object, ? super Object, ?> remapping) {
        return call(MERGE, key, value, remapping);
    }
}
