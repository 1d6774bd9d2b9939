package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multiprocessing4j.testing.Scratch;

/** Processes that start processes: identity, names, parent, and the daemon rule. */
@Timeout(120)
class ProcessTreeTest {
    @TempDir
    Path dir;

    @Test
    void theChildSeesItselfAndItsParentAsTheParentSeesThem() throws Exception {
        String out = dir.resolve("identity").toString();
        Process p = new Process(() -> {
            Process me = Multiprocessing.currentProcess();
            Process parent = Multiprocessing.parentProcess().orElseThrow();
            Scratch.write(out, String.join("|", me.name(), Long.toString(me.pid().getAsLong()),
                    parent.name(), Long.toString(parent.pid().getAsLong()), Boolean.toString(parent.isAlive())));
        });
        p.start();
        p.join();
        assertThat(p.exitCode()).hasValue(0);
        assertThat(Scratch.read(out)).isEqualTo(String.join("|", p.name(), Long.toString(p.pid().getAsLong()),
                "MainProcess", Long.toString(ProcessHandle.current().pid()), "true"));
    }

    @Test
    void aChildNamesItsOwnChildrenAfterItself() throws Exception {
        String out = dir.resolve("names").toString();
        Process p = new Process(() -> {
            Process first = new Process(() -> Scratch.appendLine(out, Multiprocessing.currentProcess().name()
                    + " parent=" + Multiprocessing.parentProcess().orElseThrow().name()));
            Process second = new Process(() -> { });
            first.start();
            first.join();
            Scratch.appendLine(out, second.name());
        });
        p.start();
        p.join();
        assertThat(p.exitCode()).hasValue(0);
        assertThat(Scratch.lines(out)).containsExactly(
                p.name() + ":1 parent=" + p.name(), p.name() + ":2");
    }

    /** Python's test_recursion: every process records its id path, in pre-order. */
    static void recurse(String out, List<Integer> id) throws InterruptedException {
        Scratch.appendLine(out, id.toString());
        if (id.size() < 2) {
            for (int i = 0; i < 2; i++) {
                List<Integer> childId = new java.util.ArrayList<>(id);
                childId.add(i);
                List<Integer> frozen = List.copyOf(childId);
                Process p = new Process(() -> recurse(out, frozen));
                p.start();
                p.join();
            }
        }
    }

    @Test
    void recursiveChildrenRunInPreOrder() throws Exception {
        String out = dir.resolve("tree").toString();
        recurse(out, List.of());
        assertThat(Scratch.lines(out)).containsExactly(
                "[]", "[0]", "[0, 0]", "[0, 1]", "[1]", "[1, 0]", "[1, 1]");
    }

    @Test
    void aDaemonProcessIsNotAllowedChildren() throws Exception {
        String out = dir.resolve("daemon").toString();
        Process p = new Process(() -> {
            Process child = new Process(() -> { });
            Scratch.appendLine(out, "child daemon by default: " + child.isDaemon());
            try {
                child.start();
                Scratch.appendLine(out, "started");
            } catch (IllegalStateException e) {
                Scratch.appendLine(out, e.getMessage());
            }
        });
        p.setDaemon(true);
        p.start();
        p.join();
        assertThat(p.exitCode()).hasValue(0);
        assertThat(Scratch.lines(out)).containsExactly(
                "child daemon by default: true", "daemonic processes are not allowed to have children");
    }
}
