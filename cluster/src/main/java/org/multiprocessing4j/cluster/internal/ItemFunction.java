package org.multiprocessing4j.cluster.internal;

import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.Callable;
import org.multiprocessing4j.function.SerializableBiFunction;
import org.multiprocessing4j.function.SerializableCallable;
import org.multiprocessing4j.function.SerializableFunction;
import org.multiprocessing4j.function.SerializableRunnable;

/** What a worker does with each item of a chunk: a map's function, a starmap's, or a single task. */
public sealed interface ItemFunction extends Serializable {
    /**
     * The result for one item.
     *
     * @param item the item
     * @return the result
     * @throws Exception what the user's code threw
     */
    Object apply(Object item) throws Exception;

    /**
     * The class loader of the user's function or task, which loads the application's classes that
     * its results may hold.
     *
     * @return the loader
     */
    ClassLoader loader();

    /**
     * A map's function, applied to each item.
     *
     * @param fn the user's function
     */
    record Each(SerializableFunction<Object, Object> fn) implements ItemFunction {
        @Override
        public Object apply(Object item) throws Exception {
            return fn.apply(item);
        }

        @Override
        public ClassLoader loader() {
            return fn.getClass().getClassLoader();
        }
    }

    /**
     * A starmap's function, applied to each pair's key and value.
     *
     * @param fn the user's function
     */
    record Pairs(SerializableBiFunction<Object, Object, Object> fn) implements ItemFunction {
        @Override
        public Object apply(Object item) throws Exception {
            Map.Entry<?, ?> pair = (Map.Entry<?, ?>) item;
            return fn.apply(pair.getKey(), pair.getValue());
        }

        @Override
        public ClassLoader loader() {
            return fn.getClass().getClassLoader();
        }
    }

    /**
     * A task submitted on its own: a serializable {@link Callable}, {@link SerializableCallable},
     * {@link Runnable} or {@link SerializableRunnable}; its one item is null.
     *
     * @param task the user's task
     */
    record Call(Object task) implements ItemFunction {
        @Override
        public Object apply(Object ignored) throws Exception {
            return switch (task) {
                case SerializableCallable<?> callable -> callable.call();
                case Callable<?> callable -> callable.call();
                case SerializableRunnable runnable -> {
                    runnable.run();
                    yield null;
                }
                case Runnable runnable -> {
                    runnable.run();
                    yield null;
                }
                default -> throw new IllegalArgumentException("not a task: " + task.getClass().getName());
            };
        }

        @Override
        public ClassLoader loader() {
            return task.getClass().getClassLoader();
        }
    }
}
