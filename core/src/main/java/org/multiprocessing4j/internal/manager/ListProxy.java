package org.multiprocessing4j.internal.manager;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.Serial;
import java.lang.reflect.Method;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.ListIterator;

/** A proxy of a manager's list: see {@link BuiltInProxy}. */
@SuppressWarnings("unchecked")
final class ListProxy extends BuiltInProxy implements List<Object> {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final Method SIZE = method(List.class, "size");
    private static final Method IS_EMPTY = method(List.class, "isEmpty");
    private static final Method CONTAINS = method(List.class, "contains", Object.class);
    private static final Method ITERATOR = method(List.class, "iterator");
    private static final Method TO_ARRAY = method(List.class, "toArray");
    private static final Method TO_TYPED_ARRAY = method(List.class, "toArray", Object[].class);
    private static final Method ADD = method(List.class, "add", Object.class);
    private static final Method REMOVE = method(List.class, "remove", Object.class);
    private static final Method CONTAINS_ALL = method(List.class, "containsAll", Collection.class);
    private static final Method ADD_ALL = method(List.class, "addAll", Collection.class);
    private static final Method ADD_ALL_AT = method(List.class, "addAll", int.class, Collection.class);
    private static final Method REMOVE_ALL = method(List.class, "removeAll", Collection.class);
    private static final Method RETAIN_ALL = method(List.class, "retainAll", Collection.class);
    private static final Method CLEAR = method(List.class, "clear");
    private static final Method GET = method(List.class, "get", int.class);
    private static final Method SET = method(List.class, "set", int.class, Object.class);
    private static final Method ADD_AT = method(List.class, "add", int.class, Object.class);
    private static final Method REMOVE_AT = method(List.class, "remove", int.class);
    private static final Method INDEX_OF = method(List.class, "indexOf", Object.class);
    private static final Method LAST_INDEX_OF = method(List.class, "lastIndexOf", Object.class);
    private static final Method LIST_ITERATOR = method(List.class, "listIterator");
    private static final Method LIST_ITERATOR_AT = method(List.class, "listIterator", int.class);
    private static final Method SUB_LIST = method(List.class, "subList", int.class, int.class);

    ListProxy(ProxyHandler handler) {
        super(handler);
    }

    @SuppressWarnings("unused") // called by CompactForms
    private ListProxy(DataInputStream in) throws IOException {
        super(new ProxyHandler(in, List.class));
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
    public boolean contains(Object element) {
        return (Boolean) call(CONTAINS, element);
    }

    @Override
    public Iterator<Object> iterator() {
        return (Iterator<Object>) call(ITERATOR);
    }

    @Override
    public Object[] toArray() {
        return (Object[]) call(TO_ARRAY);
    }

    @Override
    public <T> T[] toArray(T[] array) {
        return (T[]) call(TO_TYPED_ARRAY, (Object) array);
    }

    @Override
    public boolean add(Object element) {
        return (Boolean) call(ADD, element);
    }

    @Override
    public boolean remove(Object element) {
        return (Boolean) call(REMOVE, element);
    }

    @Override
    public boolean containsAll(Collection<?> elements) {
        return (Boolean) call(CONTAINS_ALL, elements);
    }

    @Override
    public boolean addAll(Collection<?> elements) {
        return (Boolean) call(ADD_ALL, elements);
    }

    @Override
    public boolean addAll(int index, Collection<?> elements) {
        return (Boolean) call(ADD_ALL_AT, index, elements);
    }

    @Override
    public boolean removeAll(Collection<?> elements) {
        return (Boolean) call(REMOVE_ALL, elements);
    }

    @Override
    public boolean retainAll(Collection<?> elements) {
        return (Boolean) call(RETAIN_ALL, elements);
    }

    @Override
    public void clear() {
        call(CLEAR);
    }

    @Override
    public Object get(int index) {
        return call(GET, index);
    }

    @Override
    public Object set(int index, Object element) {
        return call(SET, index, element);
    }

    @Override
    public void add(int index, Object element) {
        call(ADD_AT, index, element);
    }

    @Override
    public Object remove(int index) {
        return call(REMOVE_AT, index);
    }

    @Override
    public int indexOf(Object element) {
        return (Integer) call(INDEX_OF, element);
    }

    @Override
    public int lastIndexOf(Object element) {
        return (Integer) call(LAST_INDEX_OF, element);
    }

    @Override
    public ListIterator<Object> listIterator() {
        return (ListIterator<Object>) call(LIST_ITERATOR);
    }

    @Override
    public ListIterator<Object> listIterator(int index) {
        return (ListIterator<Object>) call(LIST_ITERATOR_AT, index);
    }

    @Override
    public List<Object> subList(int from, int to) {
        return (List<Object>) call(SUB_LIST, from, to);
    }
}
