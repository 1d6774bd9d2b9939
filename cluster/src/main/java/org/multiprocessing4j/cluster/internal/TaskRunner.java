package org.multiprocessing4j.cluster.internal;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import java.io.Serial;
import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import org.multiprocessing4j.Pool;
import org.multiprocessing4j.ProcessPoolException;

/**
 * The node side of a cluster pool: the Hazelcast executor that runs {@link Chunk}s, and the local
 * {@link Pool} each member runs them in. A chunk reaches a member as a {@link Task} (its bytes and
 * their MAC); the member checks the MAC and hands the bytes to a worker, which alone deserializes
 * them. The member thread waits for the worker; interrupting it (a client cancelled the chunk)
 * kills the worker.
 */
public final class TaskRunner {
    /** The name of the Hazelcast executor that runs chunks. */
    public static final String EXECUTOR = "multiprocessing4j.tasks";
    /** The runners of the members in this JVM, by Hazelcast instance name. */
    private static final Map<String, TaskRunner> RUNNERS = new ConcurrentHashMap<>();

    private final Pool pool;
    private final Signature signature;

    private TaskRunner(Pool pool, Signature signature) {
        this.pool = pool;
        this.signature = signature;
    }

    /**
     * Makes the member {@code instanceName} run chunks in {@code pool}, checking them with {@code signature}.
     *
     * @param instanceName the Hazelcast instance's name
     * @param pool the node's pool
     * @param signature the cluster's signature
     */
    public static void register(String instanceName, Pool pool, Signature signature) {
        RUNNERS.put(instanceName, new TaskRunner(pool, signature));
    }

    /**
     * The member {@code instanceName} runs no more chunks.
     *
     * @param instanceName the Hazelcast instance's name
     */
    public static void unregister(String instanceName) {
        RUNNERS.remove(instanceName);
    }

    private byte[] run(Task task) {
        if (!signature.verify(task.chunk, task.mac)) {
            throw new SecurityException("a task that is not signed with this cluster's secret was refused");
        }
        try {
            return pool.apply(new WorkerChunk(task.chunk));
        } catch (ProcessPoolException failed) {
            if (failed.getCause() instanceof InterruptedException) {
                throw failed; // cancelled by its client: no one reads the outcome
            }
            return ChunkOutcome.failed(task.items, failed.getCause()).encode();
        }
    }

    /** A chunk as Hazelcast carries it to a member: its bytes, their MAC, and how many items it has. */
    public static final class Task implements Callable<byte[]>, Serializable, HazelcastInstanceAware {
        @Serial
        private static final long serialVersionUID = 1L;

        /** The {@link Chunk}'s bytes. */
        private final byte[] chunk;
        /** Their MAC under the cluster's secret. */
        private final byte[] mac;
        /** How many items the chunk has. */
        private final int items;
        /** The member this task runs on, told by Hazelcast before {@link #call()}. */
        private transient HazelcastInstance member;

        /**
         * A task of {@code items} items.
         *
         * @param chunk the {@link Chunk}'s bytes
         * @param mac their MAC under the cluster's secret
         * @param items how many items the chunk has
         */
        public Task(byte[] chunk, byte[] mac, int items) {
            this.chunk = chunk;
            this.mac = mac;
            this.items = items;
        }

        /**
         * How many items the chunk has.
         *
         * @return its size
         */
        public int items() {
            return items;
        }

        @Override
        public void setHazelcastInstance(HazelcastInstance instance) {
            this.member = instance;
        }

        @Override
        public byte[] call() {
            TaskRunner runner = member == null ? null : RUNNERS.get(member.getName());
            if (runner == null) {
                throw new RejectedExecutionException("this member runs no tasks: it is not a ClusterNode, or it is closing");
            }
            return runner.run(this);
        }
    }
}
