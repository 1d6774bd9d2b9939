package org.multiprocessing4j;

import java.io.Serial;
import org.multiprocessing4j.internal.launch.ChildTask;

/** The LAUNCH payload: the process to run, and what the child must know of its parent. */
final class ChildLaunch implements ChildTask {
    @Serial
    private static final long serialVersionUID = 1L;

    private final Process process;
    private final String parentName;
    private final long parentPid;

    ChildLaunch(Process process, String parentName, long parentPid) {
        this.process = process;
        this.parentName = parentName;
        this.parentPid = parentPid;
    }

    @Override
    public int runInChild() {
        ProcessTree.becomeChild(process, new ParentProcess(parentName, parentPid));
        ProcessExit.installOnce(false);
        return process.bootstrap();
    }
}
