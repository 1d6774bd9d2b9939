package org.multiprocessing4j.internal.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.io.StreamCorruptedException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multiprocessing4j.internal.channel.AuthKey;
import org.multiprocessing4j.internal.channel.ControlProtocol;

/** The launch message down a child's standard input: whole, or a clear error. */
@Timeout(10)
class BootMessageTest {
    private static final byte[] KEY = AuthKey.randomBytes(AuthKey.LENGTH);
    private static final byte[] TOKEN = AuthKey.randomBytes(ControlProtocol.TOKEN_LENGTH);

    @Test
    void itComesBackWholeAndNothingAfterItIsRead() throws Exception {
        byte[] task = AuthKey.randomBytes(100_000);
        byte[] message = new BootMessage(KEY, TOKEN, 4242, true, task).encode();
        byte[] followedByMore = Arrays.copyOf(message, message.length + 3);
        InputStream in = new ByteArrayInputStream(followedByMore);

        BootMessage read = BootMessage.read(in);

        assertThat(read.key()).isEqualTo(KEY);
        assertThat(read.token()).isEqualTo(TOKEN);
        assertThat(read.parentPid()).isEqualTo(4242);
        assertThat(read.holdsRings()).isTrue();
        assertThat(read.task()).isEqualTo(task);
        assertThat(in.available()).isEqualTo(3);
    }

    @Test
    void noMessageStartsWithTheByteThatDismissesASpare() {
        byte[] message = new BootMessage(KEY, TOKEN, 1, false, new byte[0]).encode();
        assertThat(message[0]).isNotEqualTo((byte) BootMessage.DISMISS);
    }

    @Test
    void somethingElseOnStandardInputIsNamed() {
        byte[] garbage = "hello, child\n".getBytes();
        assertThatThrownBy(() -> BootMessage.read(new ByteArrayInputStream(garbage)))
                .isInstanceOf(StreamCorruptedException.class)
                .hasMessageContaining("does not start with a launch message");
    }

    @Test
    void aMessageCutShortIsAnEndOfFileNotAHang() {
        byte[] message = new BootMessage(KEY, TOKEN, 1, false, new byte[500]).encode();
        byte[] cut = Arrays.copyOf(message, message.length - 1);
        assertThatThrownBy(() -> BootMessage.read(new ByteArrayInputStream(cut))).isInstanceOf(EOFException.class);
    }

    @Test
    void aLengthTooShortForTheFixedFieldsIsRefused() {
        byte[] message = new BootMessage(KEY, TOKEN, 1, false, new byte[0]).encode();
        message[BootMessage.LENGTH_OFFSET + Integer.BYTES - 1] = 3;
        assertThatThrownBy(() -> BootMessage.read(new ByteArrayInputStream(message)))
                .isInstanceOf(StreamCorruptedException.class)
                .hasMessageContaining("too short");
    }
}
