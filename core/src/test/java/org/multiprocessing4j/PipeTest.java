package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.multiprocessing4j.testing.Elapsed.NOT_FOR_EVER_MILLIS;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Python's _TestConnection, _TestPoll and TestWait scenarios. */
@Timeout(120)
class PipeTest {
    /** Echoes every message back until the other end closes. */
    static void echo(Connection conn) throws Exception {
        try {
            while (true) {
                conn.send(conn.recv());
            }
        } catch (EOFException e) {
            conn.close();
        }
    }

    /** The near end of a pipe, and the child that echoes on its far end until the near end closes. */
    private record EchoChild(Connection conn, Process p) {
        static EchoChild start() {
            Pipe pipe = Pipe.open();
            Connection far = pipe.second();
            Process p = new Process(() -> echo(far));
            p.start();
            return new EchoChild(pipe.first(), p);
        }
    }

    @Test
    void anEchoChildRoundTripsObjectsAndBytesAndSeesTheCloseAsEof() throws Exception {
        EchoChild echo = EchoChild.start();
        Connection conn = echo.conn();
        Process p = echo.p();

        List<Object> seq = Arrays.asList(1, 2.25, null);
        conn.send(seq);
        assertThat(conn.recv()).isEqualTo(seq);

        byte[] msg = "hello".getBytes();
        conn.sendBytes(msg);
        assertThat(conn.recvBytes()).isEqualTo(msg);

        assertThat(conn.poll()).isFalse();
        long start = System.nanoTime();
        assertThat(conn.poll(Duration.ofMillis(100))).isFalse();
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(100L).isLessThan(NOT_FOR_EVER_MILLIS);
        assertThat(conn.poll(Duration.ofMillis(-1))).isFalse();

        conn.send(null);
        assertThat(conn.poll(Duration.ofSeconds(30))).isTrue();
        assertThat(conn.recv()).isNull();

        byte[] big = new byte[16 << 20];
        new java.util.Random(3).nextBytes(big);
        conn.sendBytes(big);
        assertThat(conn.recvBytes()).isEqualTo(big);

        conn.close(); // the child reads EOF, closes its end and exits
        p.join();
        assertThat(p.exitCode()).hasValue(0);
        assertThatThrownBy(conn::recv).isInstanceOf(IllegalStateException.class).hasMessage("handle is closed");
    }

    /** Python's test_sendbytes, and the rest of its test_connection: recv_bytes_into with and without room. */
    @Test
    void bytesGoFromASliceAndComeIntoABufferAtAnOffsetOrWholeInTheExceptionWhenTheyDoNotFit() throws Exception {
        EchoChild echo = EchoChild.start();
        Connection conn = echo.conn();
        Process p = echo.p();
        byte[] msg = "abcdefghijklmnopqrstuvwxyz".getBytes(StandardCharsets.US_ASCII);

        conn.sendBytes(msg, 5);
        assertThat(conn.recvBytes()).isEqualTo(Arrays.copyOfRange(msg, 5, msg.length));
        conn.sendBytes(msg, 7, 8);
        assertThat(conn.recvBytes()).isEqualTo(Arrays.copyOfRange(msg, 7, 15));
        conn.sendBytes(msg, 26);
        assertThat(conn.recvBytes()).isEmpty();
        conn.sendBytes(msg, 26, 0);
        assertThat(conn.recvBytes()).isEmpty();
        assertThatThrownBy(() -> conn.sendBytes(msg, 27)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> conn.sendBytes(msg, -1)).isInstanceOf(IndexOutOfBoundsException.class);
        for (int[] wrong : new int[][] {{22, 5}, {26, 1}, {4, -1}}) {
            assertThatThrownBy(() -> conn.sendBytes(msg, wrong[0], wrong[1])).isInstanceOf(IndexOutOfBoundsException.class);
        }
        assertThatThrownBy(() -> conn.sendBytes(null)).isInstanceOf(NullPointerException.class).hasMessage("bytes");
        assertThatThrownBy(() -> conn.sendBytes(null, 0)).isInstanceOf(NullPointerException.class).hasMessage("bytes");
        assertThatThrownBy(() -> conn.sendBytes(null, 0, 0)).isInstanceOf(NullPointerException.class).hasMessage("bytes");

        byte[] buffer = new byte[msg.length * 2];
        conn.sendBytes(msg);
        assertThat(conn.recvBytesInto(buffer, 0)).isEqualTo(msg.length);
        assertThat(Arrays.copyOf(buffer, msg.length)).isEqualTo(msg);
        conn.sendBytes(msg);
        assertThat(conn.recvBytesInto(buffer, 8)).isEqualTo(msg.length);
        assertThat(Arrays.copyOfRange(buffer, 8, 8 + msg.length)).isEqualTo(msg);

        byte[] small = new byte[4];
        conn.sendBytes(msg);
        assertThatThrownBy(() -> conn.recvBytesInto(small, 0)).isInstanceOfSatisfying(BufferTooShortException.class,
                e -> assertThat(e.message()).isEqualTo(msg));
        assertThat(small).containsOnly(0);
        assertThatThrownBy(() -> conn.recvBytesInto(small, 5)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> conn.recvBytesInto(null, 0)).isInstanceOf(NullPointerException.class).hasMessage("buffer");
        assertThat(conn.poll()).as("no message was taken by the refused call, none sent by the refused sends").isFalse();

        assertThat(conn.isClosed()).isFalse();
        conn.close();
        assertThat(conn.isClosed()).isTrue();
        p.join();
        assertThat(p.exitCode()).hasValue(0);
    }

    @Test
    void recvAfterThePeerClosedAndAllWasReadIsEof() throws Exception {
        Pipe pipe = Pipe.open();
        Connection child = pipe.second();
        Process p = new Process(() -> {
            child.send("last words");
            child.close();
        });
        p.start();
        p.join();
        assertThat(pipe.first().recv()).isEqualTo("last words");
        assertThatThrownBy(pipe.first()::recv).isInstanceOf(EOFException.class);
        assertThat(pipe.first().poll()).as("EOF is readable: recv would not block").isTrue();
    }

    @Test
    void aPeerThatDiesClosesItsEndEvenThoughTheParentKeepsACopy() throws Exception {
        Pipe pipe = Pipe.open(false);
        Connection reader = pipe.first();
        Connection writer = pipe.second(); // the parent keeps this copy, unused
        Process p = new Process(() -> {
            writer.send(1);
            Thread.sleep(Long.MAX_VALUE);
        });
        p.start();
        assertThat(reader.recv()).isEqualTo(1);
        p.kill();
        p.join();
        assertThatThrownBy(reader::recv).isInstanceOf(EOFException.class);
    }

    /** Beyond CPython, whose parent would wait for ever here: the child never ran, so its end is closed. */
    @Test
    void aChildThatNeverStartsLeavesItsEndClosedNotAHang() throws Exception {
        Pipe pipe = Pipe.open(false);
        Connection reader = pipe.first();
        Connection writer = pipe.second();
        Process child = new Process(() -> writer.send("never sent"));
        child.setJvmOptions(List.of("-XX:+NoSuchOptionForThisTest"));
        child.start();
        child.join();
        assertThat(child.exitCode()).hasValue(1);
        assertThatThrownBy(reader::recv).isInstanceOf(EOFException.class);
    }

    @Test
    void aOneWayPipesEndsRefuseTheWrongDirection() throws Exception {
        Pipe pipe = Pipe.open(false);
        Connection reader = pipe.first();
        Connection writer = pipe.second();
        assertThat(reader.isReadable()).isTrue();
        assertThat(reader.isWritable()).isFalse();
        assertThat(writer.isReadable()).isFalse();
        assertThat(writer.isWritable()).isTrue();
        assertThatThrownBy(() -> reader.send(1)).isInstanceOf(IllegalStateException.class)
                .hasMessage("connection is read-only");
        assertThatThrownBy(writer::recv).isInstanceOf(IllegalStateException.class)
                .hasMessage("connection is write-only");
        assertThatThrownBy(writer::poll).isInstanceOf(IllegalStateException.class);
        writer.send("one way");
        assertThat(reader.poll()).isTrue();
    }

    @Test
    void messageBoundariesAreKept() throws Exception {
        Pipe pipe = Pipe.open();
        pipe.second().sendBytes("a".getBytes());
        pipe.second().sendBytes("b".getBytes());
        pipe.second().sendBytes("cd".getBytes());
        pipe.second().sendBytes(new byte[0]);
        assertThat(new String(pipe.first().recvBytes())).isEqualTo("a");
        assertThat(new String(pipe.first().recvBytes())).isEqualTo("b");
        assertThat(new String(pipe.first().recvBytes())).isEqualTo("cd");
        assertThat(pipe.first().poll()).isTrue();
        assertThat(pipe.first().recvBytes()).isEmpty();
    }

    @Test
    void waitAnyCollectsEveryMessageFromSeveralChildrenUntilEachEnds() throws Exception {
        List<Connection> readers = new ArrayList<>();
        List<Process> children = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Pipe pipe = Pipe.open(false);
            Connection writer = pipe.second();
            int id = i;
            Process p = new Process(() -> {
                for (int k = 0; k < 5; k++) {
                    writer.send(id * 10 + k);
                }
                writer.close();
            });
            p.start();
            children.add(p);
            readers.add(pipe.first());
        }
        Map<Connection, List<Integer>> got = new HashMap<>();
        List<Connection> open = new ArrayList<>(readers);
        while (!open.isEmpty()) {
            for (Connection ready : Connection.waitAny(open, Duration.ofSeconds(30))) {
                try {
                    got.computeIfAbsent(ready, k -> new ArrayList<>()).add((Integer) ready.recv());
                } catch (EOFException e) {
                    open.remove(ready);
                }
            }
        }
        for (int i = 0; i < 3; i++) {
            int id = i;
            assertThat(got.get(readers.get(i))).containsExactly(id * 10, id * 10 + 1, id * 10 + 2, id * 10 + 3, id * 10 + 4);
        }
        for (Process p : children) {
            p.join();
        }
    }

    @Test
    void waitAnyTimesOutEmptyAndANegativeTimeoutReturnsAtOnce() {
        List<Connection> conns = List.of(Pipe.open().first(), Pipe.open().first());
        long start = System.nanoTime();
        assertThat(Connection.waitAny(conns, Duration.ofMillis(200))).isEmpty();
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(200L).isLessThan(NOT_FOR_EVER_MILLIS);
        start = System.nanoTime();
        assertThat(Connection.waitAny(conns, Duration.ofMillis(-1))).isEmpty();
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(NOT_FOR_EVER_MILLIS);
    }

    @Test
    void aMessageThatCannotBeSerializedFailsInSendNamingItsClass() throws Exception {
        Pipe pipe = Pipe.open();
        assertThatThrownBy(() -> pipe.first().send(new Object())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.Object");
        pipe.first().send("still fine");
        assertThat(pipe.second().recv()).isEqualTo("still fine");
    }

    @Test
    void sendOnAnEndWhoseOtherEndWasClosedThrowsBrokenPipe() throws Exception {
        Pipe pipe = Pipe.open();
        Connection child = pipe.second();
        Process p = new Process(() -> {
            child.recv();
            child.close();
        });
        p.start();
        pipe.first().send("read this, then close");
        p.join();
        assertThat(p.exitCode()).hasValue(0);
        assertThatThrownBy(() -> pipe.first().send("nobody reads this"))
                .isInstanceOf(BrokenPipeException.class).isInstanceOf(java.io.IOException.class)
                .hasMessage("the other end of the pipe is closed");
    }

    @Test
    void sendOnAnEndWhoseEveryHolderDiedThrowsBrokenPipeEvenWhenTheRingIsFull() throws Exception {
        Pipe pipe = Pipe.open(false);
        Connection reader = pipe.first();
        Connection writer = pipe.second();
        Process p = new Process(() -> {
            reader.poll();
            Runtime.getRuntime().halt(0);
        });
        p.start();
        p.join();
        assertThatThrownBy(() -> {
            for (int i = 0; i < 100_000; i++) { // far more than the ring holds: no hang
                writer.send(new byte[1024]);
            }
        }).isInstanceOf(BrokenPipeException.class)
                .hasMessage("every process that held the other end of the pipe has died");
    }

    @Test
    void anEndHeldByMoreProcessesThanTheOldLimitLosesNoMessage() throws Exception {
        int writers = 20; // more than the 16 holder slots an end used to have
        Pipe pipe = Pipe.open(false);
        Connection reader = pipe.first();
        Connection writer = pipe.second();
        Event last = new Event();
        List<Process> early = new ArrayList<>();
        for (int i = 0; i < writers - 1; i++) {
            int id = i;
            early.add(new Process(() -> writer.send(id)));
        }
        Process late = new Process(() -> {
            last.await();
            writer.send(writers - 1);
        });
        late.start();
        for (Process p : early) {
            p.start();
        }
        Set<Object> got = new HashSet<>();
        for (int i = 0; i < writers - 1; i++) {
            got.add(reader.recv());
        }
        for (Process p : early) {
            p.join();
        }
        last.set();
        got.add(reader.recv()); // the late writer still holds the end: no EOF before its message
        late.join();
        assertThat(got).hasSize(writers);
        assertThatThrownBy(reader::recv).isInstanceOf(EOFException.class);
    }

    @Test
    void startRefusesAChildThatWouldBeOneHolderTooManyOfAnEnd() throws Exception {
        Pipe pipe = Pipe.open(false);
        Connection writer = pipe.second();
        Event release = new Event();
        List<Process> holders = new ArrayList<>();
        try {
            for (int i = 0; i < org.multiprocessing4j.internal.shm.SharedLayout.Ring.HOLDER_SLOTS; i++) {
                Process p = new Process(() -> {
                    release.await();
                    writer.close();
                });
                p.setJvmOptions(List.of("-Xmx16m", "-XX:TieredStopAtLevel=1", "-Xss256k"));
                p.start();
                holders.add(p);
            }
            Process oneTooMany = new Process(() -> writer.send("lost"));
            assertThatThrownBy(oneTooMany::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("held by as many live processes as it can record");
            assertThat(oneTooMany.pid()).isEmpty();
        } finally {
            release.set();
            for (Process p : holders) {
                p.join();
            }
        }
    }
    @Test
    void aPipeWhoseEndsAreBothClosedIsDeletedThoughItsDescriptorWentToAChild() throws Exception {
        Set<java.nio.file.Path> before = org.multiprocessing4j.testing.LeakBaseline.ourSharedMemoryNow();
        Pipe pipe = Pipe.open();
        Set<java.nio.file.Path> made = org.multiprocessing4j.testing.LeakBaseline.ourSharedMemoryNow();
        made.removeAll(before);
        assertThat(made).hasSize(1);
        java.nio.file.Path file = made.iterator().next();
        Connection childsEnd = pipe.second();
        Process child = new Process(() -> {
            childsEnd.send("done");
            childsEnd.close();
        });
        child.start();
        assertThat(pipe.first().recv()).isEqualTo("done");
        child.join();
        assertThat(file).as("one end is still open").exists();
        pipe.first().close();
        assertThat(file).doesNotExist();
    }
}
