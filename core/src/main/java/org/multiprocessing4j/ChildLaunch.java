package org.multiprocessing4j;

import java.io.Serial;
import org.multiprocessing4j.internal.launch.ChildTask;
import org.multiprocessing4j.internal.shm.SharedSegment;

/**
 * The LAUNCH payload: the process to run, and what the child must know of its parent, including
 * the name of the process tree its shared memory belongs to.
 */
final class ChildLaunch implements ChildTask {
    @Serial
    private static final long serialVersionUID = 1L;

    private final Process process;
    private final String parentName;
    private final long parentPid;
    private final String treeTag;
    private final Serializer serializer;

    ChildLaunch(Process process, String parentName, long parentPid) {
        this.process = process;
        this.parentName = parentName;
        this.parentPid = parentPid;
        this.treeTag = SharedSegment.treeTag();
        this.serializer = ProcessTree.serializer();
    }

    @Override
    public int runInChild() {
        SharedSegment.inheritTreeTag(treeTag);
        ProcessTree.setSerializer(serializer);
        ProcessTree.becomeChild(process, new ParentProcess(parentName, parentPid));
        ProcessExit.installOnce(false);
        return process.bootstrap();
    }
}
