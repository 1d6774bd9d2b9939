package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The parent as a child sees it is the process that is its parent, not whatever process has the
 * parent's pid: once the parent ends, its pid may be given to another process, which a child must
 * not take for its parent. A live process that is not this one's parent stands in for that process.
 */
@Timeout(30)
class ParentProcessTest {
    private java.lang.Process stranger;

    @AfterEach
    void stopTheStranger() {
        if (stranger != null) {
            stranger.destroyForcibly();
        }
    }

    @Test
    void aLiveProcessWithTheParentsPidThatIsNotThisOnesParentIsNotTakenForIt() throws Exception {
        stranger = new ProcessBuilder("sleep", "60").start();
        ParentProcess parent = new ParentProcess("MainProcess", stranger.pid());

        assertThat(parent.isAlive()).isFalse();
        assertThat(parent.join(Duration.ofSeconds(5))).as("an ended parent is joined at once").isTrue();
    }

    @Test
    void thisProcesssOwnParentIsAliveAndNotJoinedWhileItRuns() throws Exception {
        ParentProcess parent = new ParentProcess("MainProcess", ProcessHandle.current().parent().orElseThrow().pid());

        assertThat(parent.isAlive()).isTrue();
        assertThat(parent.join(Duration.ofMillis(100))).isFalse();
    }
}
