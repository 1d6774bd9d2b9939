package org.multiprocessing4j.internal.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A spare that dies on a JVM option it refuses may do so before it is taken: handed a task then, it
 * is a child that could not start, with its error; let go, it is a spare that ended, with none.
 */
@Timeout(30)
class SpareStartErrorTest {
    private static final List<String> REFUSED_OPTION = List.of("-XX:+NoSuchOptionForThisTest");

    @TempDir
    Path classes;

    @Test
    void aSpareThatDiedBeforeItsTaskCameIsReportedAsAChildThatCouldNotStart() throws Exception {
        SpawnPopen spare = diedWaiting();

        spare.handOver(new byte[0], false);
        spare.join();

        assertThat(spare.exitCode()).hasValue(1);
        assertThat(spare.startError()).get().asString().contains("Unrecognized VM option 'NoSuchOptionForThisTest'");
    }

    @Test
    void aSpareThatDiedWaitingAndWasLetGoHasNoStartError() throws Exception {
        SpawnPopen spare = diedWaiting();

        spare.dismiss();
        spare.join();

        assertThat(spare.exitCode()).hasValue(1);
        assertThat(spare.startError()).isEmpty();
    }

    private SpawnPopen diedWaiting() throws Exception {
        SpawnPopen spare = SpawnPopen.startSpare(classes.toString(), REFUSED_OPTION, () -> new byte[0], () -> new byte[0]);
        await().atMost(Duration.ofSeconds(20)).until(spare::hasExited);
        assertThat(spare.isAlive()).as("its exit code waits for it to be handed a task or let go").isTrue();
        return spare;
    }
}
