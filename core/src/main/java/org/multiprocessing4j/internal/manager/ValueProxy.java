package org.multiprocessing4j.internal.manager;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.Serial;
import java.lang.reflect.Method;
import org.multiprocessing4j.ManagedValue;

/** A proxy of a manager's value: see {@link BuiltInProxy}. */
final class ValueProxy extends BuiltInProxy implements ManagedValue<Object> {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final Method GET = method(ManagedValue.class, "get");
    private static final Method SET = method(ManagedValue.class, "set", Object.class);

    ValueProxy(ProxyHandler handler) {
        super(handler);
    }

    @SuppressWarnings("unused") // called by CompactForms
    private ValueProxy(DataInputStream in) throws IOException {
        super(new ProxyHandler(in, ManagedValue.class));
    }

    @Override
    public Object get() {
        return call(GET);
    }

    @Override
    public void set(Object value) {
        call(SET, value);
    }
}
