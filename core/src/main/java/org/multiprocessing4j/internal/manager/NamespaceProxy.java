package org.multiprocessing4j.internal.manager;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.Serial;
import java.lang.reflect.Method;
import org.multiprocessing4j.Namespace;

/** A proxy of a manager's namespace: see {@link BuiltInProxy}. */
final class NamespaceProxy extends BuiltInProxy implements Namespace {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final Method GET = method(Namespace.class, "get", String.class);
    private static final Method SET = method(Namespace.class, "set", String.class, Object.class);
    private static final Method DELETE = method(Namespace.class, "delete", String.class);
    private static final Method HAS = method(Namespace.class, "has", String.class);

    NamespaceProxy(ProxyHandler handler) {
        super(handler);
    }

    @SuppressWarnings("unused") // called by CompactForms
    private NamespaceProxy(DataInputStream in) throws IOException {
        super(new ProxyHandler(in, Namespace.class));
    }

    @Override
    public Object get(String name) {
        return call(GET, name);
    }

    @Override
    public Object set(String name, Object value) {
        return call(SET, name, value);
    }

    @Override
    public void delete(String name) {
        call(DELETE, name);
    }

    @Override
    public boolean has(String name) {
        return (Boolean) call(HAS, name);
    }
}
