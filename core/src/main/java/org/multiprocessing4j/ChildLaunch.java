package org.multiprocessing4j;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.Serial;
import java.util.ArrayList;
import java.util.List;
import org.multiprocessing4j.function.SerializableRunnable;
import org.multiprocessing4j.internal.launch.AotCoverage;
import org.multiprocessing4j.internal.launch.ChildTask;
import org.multiprocessing4j.internal.launch.UserThreads;
import org.multiprocessing4j.internal.shm.SharedSegment;
import org.multiprocessing4j.internal.wire.Codec;
import org.multiprocessing4j.internal.wire.CompactForms;
import org.multiprocessing4j.internal.wire.LambdaCodec;

/**
 * The task of a child's launch message: the process to run, and what the child must know of its
 * parent, including the name of the process tree its shared memory belongs to.
 *
 * <p>It travels in Java serialization, or, when the process is a plain {@link Process} whose target
 * {@link LambdaCodec} can write and no {@link Serializer} is plugged in, in a compact form that a
 * child reads without {@link java.io.ObjectInputStream} ({@link CompactForms}): the parent's name,
 * pid, tree tag and default start method as set (empty if none), then the process's name,
 * identity, daemon flag, JVM options and target. A
 * target capturing numbers, strings, arrays and the library's handles has such a form.
 */
final class ChildLaunch implements ChildTask {
    @Serial
    private static final long serialVersionUID = 1L;

    private final Process process;
    private final String parentName;
    private final long parentPid;
    private final String treeTag;
    private final Serializer serializer;
    /** The parent's default start method as set, which the child's is too; null if the parent set none. */
    private final StartMethod startMethod;

    ChildLaunch(Process process, String parentName, long parentPid) {
        this.process = process;
        this.parentName = parentName;
        this.parentPid = parentPid;
        this.treeTag = SharedSegment.treeTag();
        this.serializer = ProcessTree.serializer();
        this.startMethod = Multiprocessing.startMethodAsSet();
    }

    /** Reads the compact form that {@link #writeCompact} wrote ({@link CompactForms}). */
    private ChildLaunch(DataInputStream in) throws IOException {
        parentName = in.readUTF();
        parentPid = in.readLong();
        treeTag = in.readUTF();
        String method = in.readUTF();
        startMethod = method.isEmpty() ? null : StartMethod.valueOf(method);
        serializer = null;
        String name = in.readUTF();
        int[] identity = new int[in.readInt()];
        for (int i = 0; i < identity.length; i++) {
            identity[i] = in.readInt();
        }
        boolean daemon = in.readBoolean();
        List<String> jvmOptions = new ArrayList<>();
        for (int n = in.readInt(); n > 0; n--) {
            jvmOptions.add(in.readUTF());
        }
        if (!(LambdaCodec.decode(in) instanceof SerializableRunnable target)) {
            throw new InvalidObjectException("the target of " + name + " is not a SerializableRunnable");
        }
        process = Process.restored(target, name, identity, daemon, jvmOptions);
    }

    /**
     * This task as a launch message carries it: compact if it can be, else Java-serialized, never
     * through a plugged-in serializer, which the child learns only from this task.
     *
     * @throws IllegalArgumentException naming the class that cannot be serialized
     */
    byte[] encode() {
        return Codec.encodeWithoutPluggedSerializer(this, process.name());
    }

    /** The compact form: see the class comment; false if this launch has none. */
    @SuppressWarnings("unused") // called by CompactForms
    private boolean writeCompact(DataOutputStream out) throws IOException {
        byte[] target = serializer == null && process.getClass() == Process.class
                ? LambdaCodec.encode(process.target())
                : null;
        if (target == null) {
            return false;
        }
        out.writeUTF(parentName);
        out.writeLong(parentPid);
        out.writeUTF(treeTag);
        out.writeUTF(startMethod == null ? "" : startMethod.name());
        out.writeUTF(process.name());
        int[] identity = process.identity();
        out.writeInt(identity.length);
        for (int position : identity) {
            out.writeInt(position);
        }
        out.writeBoolean(process.isDaemon());
        List<String> jvmOptions = process.jvmOptions();
        out.writeInt(jvmOptions.size());
        for (String option : jvmOptions) {
            out.writeUTF(option);
        }
        out.write(target);
        return true;
    }

    /**
     * What the child's AOT cache must cover: its bootstrap alone if this launch has its compact form
     * and its target captures only plain values, so that the child reads no Java serialization and
     * is given no handle; the library too otherwise.
     */
    AotCoverage coverage() {
        return serializer == null && process.getClass() == Process.class
                && LambdaCodec.capturesOnlyPlainValues(process.target())
                ? AotCoverage.BOOTSTRAP
                : AotCoverage.LIBRARY;
    }

    /** The process to run. */
    Process process() {
        return process;
    }

    /**
     * Initializes the classes that becoming the process, running it and exiting touch; the decoding
     * of this task has already loaded the lambda machinery and the launch's own classes.
     */
    @Override
    public void prepare() {
        ChildTask.initialize(List.of(ProcessTree.class, Multiprocessing.class, ParentProcess.class, ProcessExit.class,
                UserThreads.class, Pool.class, SharedSegment.class));
        process.run();
    }

    @Override
    public int runInChild() {
        SharedSegment.inheritTreeTag(treeTag);
        ProcessTree.setSerializer(serializer);
        Multiprocessing.inheritStartMethod(startMethod);
        ProcessTree.becomeChild(process, new ParentProcess(parentName, parentPid));
        ProcessExit.installOnce(false);
        return process.bootstrap();
    }
}
