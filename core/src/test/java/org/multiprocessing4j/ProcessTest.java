package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multiprocessing4j.testing.Gate;
import org.multiprocessing4j.testing.Scratch;

/** CPython's {@code _TestProcess} scenarios, with real child JVMs. */
@Timeout(60)
class ProcessTest {
    @TempDir
    Path dir;

    private String file(String name) {
        return dir.resolve(name).toString();
    }

    @Test
    void currentProcessInTheMainProcess() {
        Process me = Multiprocessing.currentProcess();
        assertThat(me.name()).isEqualTo("MainProcess");
        assertThat(me.isAlive()).isTrue();
        assertThat(me.isDaemon()).isFalse();
        assertThat(me.pid()).hasValue(ProcessHandle.current().pid());
        assertThat(me.exitCode()).isEmpty();
        assertThat(Multiprocessing.parentProcess()).isEmpty();
    }

    @Test
    void argumentsCapturedByTheTargetReachTheChild() throws Exception {
        String out = file("args");
        int number = 1;
        String text = "str";
        List<Integer> list = List.of(1);
        Map<String, Long> map = Map.of("k", 1L << 34);
        Process p = new Process(() -> Scratch.write(out, number + "|" + text + "|" + list + "|" + map));
        p.start();
        p.join();
        assertThat(p.exitCode()).hasValue(0);
        assertThat(Scratch.read(out)).isEqualTo("1|str|[1]|{k=17179869184}");
    }

    @Test
    void aChildThatEndedIsForgottenAtTheNextStartThoughNobodyJoinedIt() throws Exception {
        WeakReference<Process> unjoined = startAndAwaitEnd();
        Process next = new Process(() -> { });
        next.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            System.gc();
            return unjoined.get() == null;
        });
        next.join();
    }

    /** Starts a child, sees it end without joining it, and drops it; returns it, weakly. */
    private static WeakReference<Process> startAndAwaitEnd() {
        Process p = new Process(() -> { });
        p.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> p.exitCode().isPresent());
        return new WeakReference<>(p);
    }

    @Test
    void lifecycleOfANamedDaemonChild() throws Exception {
        String report = file("report");
        String go = file("go");
        Process p = new Process(() -> {
            Process me = Multiprocessing.currentProcess();
            Scratch.write(report, me.name() + "|" + me.pid().getAsLong() + "|" + me.isDaemon()
                    + "|" + me.isAlive() + "|" + me.exitCode().isPresent());
            Gate.await(go);
        }, "SomeName");
        p.setDaemon(true);

        assertThat(p.isAlive()).isFalse();
        assertThat(p.exitCode()).isEmpty();
        assertThat(p.pid()).isEmpty();
        assertThat(Multiprocessing.activeChildren()).doesNotContain(p);

        p.start();
        assertThat(p.isAlive()).isTrue();
        assertThat(p.exitCode()).isEmpty();
        assertThat(Multiprocessing.activeChildren()).contains(p);
        Gate.open(go);
        p.join();

        assertThat(p.exitCode()).hasValue(0);
        assertThat(p.isAlive()).isFalse();
        assertThat(Multiprocessing.activeChildren()).doesNotContain(p);
        assertThat(Scratch.read(report)).isEqualTo("SomeName|" + p.pid().getAsLong() + "|true|true|false");
    }

    @Test
    void joinWithZeroOrNegativeTimeoutReturnsAtOnceThenTerminateGivesMinus15() throws Exception {
        String ready = file("ready");
        Process p = new Process(() -> {
            Gate.open(ready);
            Thread.sleep(Long.MAX_VALUE);
        });
        p.start();
        Gate.await(ready);
        assertThat(p.join(Duration.ZERO)).isFalse();
        assertThat(p.join(Duration.ofMillis(-1))).isFalse();
        assertThat(p.isAlive()).isTrue();

        p.terminate();
        assertThat(p.join(Duration.ofSeconds(30))).isTrue();
        assertThat(p.exitCode()).hasValue(-15);
        assertThat(p.isAlive()).isFalse();
        assertThat(Multiprocessing.activeChildren()).doesNotContain(p);
    }

    @Test
    void killGivesMinus9() throws Exception {
        String ready = file("ready");
        Process p = new Process(() -> {
            Gate.open(ready);
            Thread.sleep(Long.MAX_VALUE);
        });
        p.start();
        Gate.await(ready);
        p.kill();
        p.join();
        assertThat(p.exitCode()).hasValue(-9);
    }

    @Test
    void terminateRightAfterStartStillGivesMinus15() throws Exception {
        // Python's test_many_processes: the signal may land at any point of the child's start-up.
        List<Process> sleepers = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Process p = new Process(() -> Thread.sleep(Long.MAX_VALUE));
            p.start();
            sleepers.add(p);
        }
        for (Process p : sleepers) {
            p.terminate();
        }
        for (Process p : sleepers) {
            p.join();
            assertThat(p.exitCode()).hasValue(-15);
        }
    }

    @Test
    void manyShortChildrenAllExitWithZero() throws Exception {
        List<Process> children = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Process p = new Process(() -> { });
            p.start();
            children.add(p);
        }
        for (Process p : children) {
            p.join();
            assertThat(p.exitCode()).hasValue(0);
        }
    }

    @Test
    void cpuCountIsAtLeastOne() {
        assertThat(Multiprocessing.cpuCount()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void closeRefusesARunningChildAndThenForbidsMostMethods() throws Exception {
        String go = file("go");
        Process p = new Process(() -> Gate.await(go));
        p.start();
        assertThatThrownBy(p::close).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Cannot close a process while it is still running");
        Gate.open(go);
        p.join();
        assertThat(p.exitCode()).hasValue(0);

        p.close();
        assertThatThrownBy(p::isAlive).isInstanceOf(IllegalStateException.class).hasMessage("process object is closed");
        assertThatThrownBy(p::join).isInstanceOf(IllegalStateException.class).hasMessage("process object is closed");
        assertThatThrownBy(p::terminate).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(p::exitCode).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(p::pid).isInstanceOf(IllegalStateException.class);
        p.close();
        assertThat(p.name()).startsWith("Process-");
    }

    @Test
    void childWaitsForItsNonDaemonThreadsBeforeExiting() throws Exception {
        String done = file("done");
        String go = file("go");
        Process p = new Process(() -> {
            Thread worker = new Thread(() -> {
                try {
                    Gate.await(go);
                } catch (InterruptedException e) {
                    return;
                }
                Scratch.write(done, "set");
            });
            worker.start();
        });
        p.start();
        assertThat(p.join(Duration.ofMillis(300))).as("the child must wait for its thread").isFalse();
        Gate.open(go);
        p.join();
        assertThat(Scratch.read(done)).isEqualTo("set");
        assertThat(p.exitCode()).hasValue(0);
    }

    static class Upper extends Process {
        private final String message;
        private final String out;

        Upper(String message, String out) {
            this.message = message;
            this.out = out;
        }

        @Override
        public void run() {
            Scratch.write(out, message.toUpperCase() + "|" + Multiprocessing.currentProcess().name());
        }
    }

    @Test
    void subclassOverridingRunIsSentWithItsFields() throws Exception {
        String out = file("upper");
        Upper p = new Upper("hello", out);
        assertThat(p.name()).startsWith("Upper-");
        p.start();
        p.join();
        assertThat(p.exitCode()).hasValue(0);
        assertThat(Scratch.read(out)).isEqualTo("HELLO|" + p.name());
    }

    @Test
    void jvmOptionsReachTheChild() throws Exception {
        String out = file("prop");
        Process p = new Process(() -> Scratch.write(out, System.getProperty("mp4j.test.option")));
        p.setJvmOptions(List.of("-Dmp4j.test.option=42", "-Xmx64m"));
        p.start();
        p.join();
        assertThat(Scratch.read(out)).isEqualTo("42");
    }

    @Test
    void aChildStartsWithTheClassPathOfTheClassItIsGiven() throws Exception {
        String out = file("ran");
        Process p = new Process(() -> Scratch.write(out, "ran"));
        assertThatThrownBy(() -> p.setClassPathOf(null)).isInstanceOf(NullPointerException.class);
        p.setClassPathOf(org.junit.jupiter.api.Test.class).start(); // a loader that has this test's classes too
        p.join();
        assertThat(p.exitCode()).hasValue(0);
        assertThat(Scratch.read(out)).isEqualTo("ran");
    }

    @Test
    void startTwiceAndChangesAfterStartAreRefused() throws Exception {
        Process p = new Process(() -> { });
        p.start();
        assertThatThrownBy(p::start).isInstanceOf(IllegalStateException.class).hasMessage("cannot start a process twice");
        assertThatThrownBy(() -> p.setDaemon(true)).isInstanceOf(IllegalStateException.class)
                .hasMessage("process has already started");
        assertThatThrownBy(() -> p.setJvmOptions(List.of())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> p.setClassPathOf(ProcessTest.class)).isInstanceOf(IllegalStateException.class);
        p.join();
        assertThatThrownBy(p::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void joinOrTerminateBeforeStartIsRefused() {
        Process p = new Process(() -> { });
        assertThatThrownBy(p::join).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(p::terminate).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Multiprocessing.currentProcess().join()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aTargetThatCannotBeSerializedFailsInStartNamingTheClass() {
        Thread notSerializable = new Thread(() -> { });
        Process p = new Process(() -> System.out.println(notSerializable));
        assertThatThrownBy(p::start).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.Thread")
                .hasMessageContaining(p.name());
        assertThat(p.isAlive()).isFalse();
        assertThat(p.pid()).isEmpty();
        assertThat(Multiprocessing.activeChildren()).doesNotContain(p);
    }

    static class HoldsAThread extends Process {
        private final Thread thread = new Thread(() -> { });

        @Override
        public void run() {
            System.out.println(thread);
        }
    }

    @Test
    void aSubclassWithAFieldThatCannotBeSerializedFailsInStart() {
        HoldsAThread p = new HoldsAThread();
        assertThatThrownBy(p::start).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.Thread")
                .hasMessageContaining("HoldsAThread-");
        assertThat(p.isAlive()).isFalse();
    }

    @Test
    void namesCountUpAndSubclassesUseTheirClassName() {
        Process a = new Process(() -> { });
        Process b = new Process(() -> { });
        int n = Integer.parseInt(a.name().substring("Process-".length()));
        assertThat(b.name()).isEqualTo("Process-" + (n + 1));
        assertThat(new Upper("x", "y").name()).isEqualTo("Upper-" + (n + 2));
        a.setName("renamed");
        assertThat(a.name()).isEqualTo("renamed");
        assertThat(a.toString()).contains("renamed").contains("initial");
    }

    @Test
    void aChildsChildrenAreNamedAfterItsIdentityAsInPython() throws Exception {
        String report = file("report");
        Process p = new Process(() -> {
            Process first = new Process(() -> { });
            Process second = new Process(() -> { });
            Scratch.write(report, first.name() + "|" + second.name());
        });
        p.start();
        p.join();
        int n = Integer.parseInt(p.name().substring("Process-".length()));
        assertThat(Scratch.read(report)).isEqualTo("Process-" + n + ":1|Process-" + n + ":2");
    }

    @Test
    void daemonDefaultsToTheCreatorsFlag() {
        assertThat(new Process(() -> { }).isDaemon()).isFalse();
    }

    @Test
    void exitCodeIsEmptyWhileRunning() throws Exception {
        String go = file("go");
        Process p = new Process(() -> Gate.await(go));
        p.start();
        assertThat(p.exitCode()).isEqualTo(OptionalInt.empty());
        Gate.open(go);
        p.join();
        assertThat(p.exitCode()).hasValue(0);
        assertThat(p.toString()).contains("exitcode=0");
    }

    @Test
    void aChildThatCannotStartIsReportedWithItsErrorNotTakenForATaskThatThrew() throws Exception {
        Process badOption = new Process(() -> { });
        badOption.setJvmOptions(List.of("-XX:+NoSuchOptionForThisTest"));
        badOption.start();
        badOption.join();
        assertThat(badOption.exitCode()).hasValue(1);
        assertThat(badOption.startError()).get().asString().contains("Unrecognized VM option 'NoSuchOptionForThisTest'");

        Process missingClass = new Process(() -> { });
        missingClass.setJvmOptions(List.of("-Djava.system.class.loader=org.example.NoSuchLoader"));
        missingClass.start();
        missingClass.join();
        assertThat(missingClass.startError()).get().asString().contains("org.example.NoSuchLoader");

        Process refusedSubclass = new Upper("a subclass goes through Java serialization", file("never"));
        refusedSubclass.setJvmOptions(List.of("-Djdk.serialFilter=!*"));
        refusedSubclass.start();
        refusedSubclass.join();
        assertThat(refusedSubclass.exitCode()).hasValue(70);
        assertThat(refusedSubclass.startError()).get().asString().contains("InvalidClassException", "REJECTED");

        Process threw = new Process(() -> {
            throw new IllegalStateException("the task's own failure");
        });
        threw.start();
        threw.join();
        assertThat(threw.exitCode()).hasValue(1);
        assertThat(threw.startError()).isEmpty();

        Process killed = new Process(() -> Thread.sleep(60_000));
        killed.start();
        killed.kill();
        killed.join();
        assertThat(killed.exitCode()).hasValue(-9);
        assertThat(killed.startError()).isEmpty();
    }
}
