package org.multiprocessing4j.internal.manager;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.lang.reflect.Method;
import java.lang.reflect.UndeclaredThrowableException;

/**
 * A proxy of one of the manager's own types (a dict, a list, a namespace, a value): a class of this
 * library rather than one {@link java.lang.reflect.Proxy} generates, so that no process makes a
 * class for it. A generated class costs a fresh JVM 10-40 ms (the JDK's class-file writer runs
 * interpreted), once per type in the program that asks for its first dict, in the server that
 * answers, and in every child that receives one; and the AOT cache cannot keep generated classes.
 *
 * <p>Each method hands its call to the {@link ProxyHandler}, with the interface's {@link Method}
 * and {@code null} for no arguments, as a generated proxy's methods do. A default method that the
 * handler would run locally is not overridden here, so the interface's own runs, as the handler
 * would have run it; the ones it sends to the server ({@code ConcurrentMap}'s atomic ones) are.
 *
 * <p>Written as its handler ({@link #writeCompact}, or {@link SerialForm} in Java serialization),
 * read back as a proxy of the same type.
 */
abstract class BuiltInProxy implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final Method EQUALS = method(Object.class, "equals", Object.class);
    private static final Method HASH_CODE = method(Object.class, "hashCode");
    private static final Method TO_STRING = method(Object.class, "toString");

    final transient ProxyHandler handler;

    BuiltInProxy(ProxyHandler handler) {
        this.handler = handler;
    }

    /** {@code type}'s public method {@code name}, which the proxy's class knows to exist. */
    static Method method(Class<?> type, String name, Class<?>... parameters) {
        try {
            return type.getMethod(name, parameters);
        } catch (NoSuchMethodException e) {
            throw new AssertionError(type.getName() + " has no method " + name, e);
        }
    }

    /**
     * Calls {@code method} through the handler. None of these interfaces' methods declares a
     * checked exception, and the handler wraps any other in a {@code ManagerException}.
     */
    final Object call(Method method, Object... arguments) {
        try {
            return handler.invoke(this, method, arguments.length == 0 ? null : arguments);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable undeclared) {
            throw new UndeclaredThrowableException(undeclared);
        }
    }

    @Override
    public final boolean equals(Object other) {
        return (Boolean) call(EQUALS, other);
    }

    @Override
    public final int hashCode() {
        return (Integer) call(HASH_CODE);
    }

    @Override
    public final String toString() {
        return (String) call(TO_STRING);
    }

    /** The compact form ({@code CompactForms}): the handler's, read back by each subclass's reading constructor. */
    @SuppressWarnings("unused") // called by CompactForms
    private boolean writeCompact(DataOutputStream out) throws IOException {
        return handler.writeCompactForm(out);
    }

    /** Not private, which Java serialization would apply to this class alone, not to its subclasses. */
    @Serial
    final Object writeReplace() {
        return new SerialForm(handler);
    }

    /**
     * What Java serialization writes: the handler, which counts the proxy as it always does. A
     * class, not a record, as every type of this library that goes by Java serialization (DESIGN.md,
     * "Start-up cost").
     */
    private static final class SerialForm implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        private final ProxyHandler handler;

        SerialForm(ProxyHandler handler) {
            this.handler = handler;
        }

        @Serial
        private Object readResolve() {
            return handler.resolve();
        }
    }
}
