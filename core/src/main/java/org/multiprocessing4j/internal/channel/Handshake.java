package org.multiprocessing4j.internal.channel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.multiprocessing4j.AuthenticationException;
import org.multiprocessing4j.internal.wire.CorruptFrameException;

/**
 * Mutual authentication of a fresh connection, as Python's {@code deliver_challenge} and
 * {@code answer_challenge}: each side sends a random challenge, the other answers with
 * HMAC-SHA256(authkey, role || challenge), and the challenger replies WELCOME or FAILURE. The server
 * checks the client first, so it never computes a digest for a peer that has not proved the key.
 * The role label stops an answer made for one direction from being replayed in the other.
 */
public final class Handshake {
    private static final int CHALLENGE_LENGTH = 32;
    private static final byte[] SERVER_ASKS = "mp4j server challenge".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLIENT_ASKS = "mp4j client challenge".getBytes(StandardCharsets.US_ASCII);

    private Handshake() {}

    /**
     * The accepting side: checks the client, then proves itself.
     *
     * @throws AuthenticationException {@code "digest received was wrong"} if the client does not
     *     hold the key, or {@code "digest sent was rejected"} if the client refuses ours
     */
    public static void asServer(FrameChannel channel, byte[] key) throws IOException {
        deliverChallenge(channel, key, SERVER_ASKS);
        answerChallenge(channel, key, CLIENT_ASKS);
    }

    /** The connecting side: proves itself, then checks the server. Throws as {@link #asServer}. */
    public static void asClient(FrameChannel channel, byte[] key) throws IOException {
        answerChallenge(channel, key, SERVER_ASKS);
        deliverChallenge(channel, key, CLIENT_ASKS);
    }

    private static void deliverChallenge(FrameChannel channel, byte[] key, byte[] role)
            throws IOException {
        byte[] challenge = AuthKey.randomBytes(CHALLENGE_LENGTH);
        channel.write(new Frame(ControlProtocol.CHALLENGE, challenge));
        byte[] answer = expect(channel, ControlProtocol.RESPONSE).payload();
        if (!constantTimeEquals(answer, HmacSha256.mac(key, role, challenge))) {
            channel.write(Frame.of(ControlProtocol.FAILURE));
            throw new AuthenticationException("digest received was wrong");
        }
        channel.write(Frame.of(ControlProtocol.WELCOME));
    }

    private static void answerChallenge(FrameChannel channel, byte[] key, byte[] role)
            throws IOException {
        byte[] challenge = expect(channel, ControlProtocol.CHALLENGE).payload();
        if (challenge.length != CHALLENGE_LENGTH) {
            throw new CorruptFrameException("handshake: a challenge has " + CHALLENGE_LENGTH
                    + " bytes, got " + challenge.length);
        }
        channel.write(new Frame(ControlProtocol.RESPONSE, HmacSha256.mac(key, role, challenge)));
        Frame verdict = channel.read();
        if (verdict == null || verdict.type() != ControlProtocol.WELCOME) {
            throw new AuthenticationException("digest sent was rejected");
        }
    }

    private static Frame expect(FrameChannel channel, byte type) throws IOException {
        Frame frame = channel.read();
        if (frame == null) {
            throw new AuthenticationException("peer closed the connection during the handshake");
        }
        if (frame.type() != type) {
            throw new CorruptFrameException("handshake: expected a frame of type " + type
                    + ", got type " + frame.type());
        }
        return frame;
    }

    /** Compares in time that depends only on the lengths, so as not to leak where they differ. */
    private static boolean constantTimeEquals(byte[] a, byte[] b) {
        if (a.length != b.length) {
            return false;
        }
        int difference = 0;
        for (int i = 0; i < a.length; i++) {
            difference |= a[i] ^ b[i];
        }
        return difference == 0;
    }
}
